package org.domus.cli;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.domus.engine.Engine;
import org.domus.image.Arch;
import org.domus.payload.GuestPayload;
import org.domus.testsupport.E2E;

/** The Arm64 guest the end-to-end tests boot: it fails the test under DOMUS_REQUIRE_E2E=1 when it cannot run, else skips it. */
final class TestGuest {
    private TestGuest() {
    }

    /** Debian's Arm64 kernel and the busybox initramfs, once QEMU is known to run them here. */
    static GuestPayload arm64() {
        try {
            Engine.pick("qemu", Arch.ARM64);
            return GuestPayload.arm64();
        } catch (Exception e) {
            throw E2E.unavailable("the Arm64 guest cannot run here: " + e.getMessage());
        }
    }

    /** The guest's kernel and initramfs as {@code Image} and {@code initramfs.cpio.gz} in {@code dir}. */
    static void copyInto(Path dir) throws IOException {
        GuestPayload guest = arm64();
        Files.copy(guest.kernel(), dir.resolve("Image"));
        Files.copy(guest.initramfs(), dir.resolve("initramfs.cpio.gz"));
    }
}
