package org.domus.payload;

import java.nio.file.Path;

import org.domus.testsupport.E2E;
import org.domus.testsupport.Tools;

/**
 * What the end-to-end tests need: the network (a fetch) or QEMU. Without them the test fails or is skipped, as
 * {@link E2E} decides.
 */
final class TestGuest {
    private TestGuest() {
    }

    /** The Arm64 payload from the usual cache (fetched if missing). */
    static GuestPayload arm64() {
        try {
            return GuestPayload.arm64();
        } catch (PayloadException e) {
            throw E2E.unavailable("the Arm64 guest payload could not be fetched: " + e.getMessage());
        }
    }

    static Path qemuAarch64() {
        Path qemu = Tools.which("qemu-system-aarch64");
        if (qemu == null) {
            E2E.unavailable("qemu-system-aarch64 is not on PATH (Debian package qemu-system-arm)");
        }
        return qemu;
    }
}
