package org.domus.engine.qemu;

import java.nio.file.Path;

import org.domus.engine.DomainSpec;
import org.domus.image.Arch;
import org.domus.payload.GuestPayload;
import org.domus.payload.PayloadException;
import org.domus.testsupport.E2E;

/** Debian's Arm64 kernel and busybox initramfs (the payload), as domains whose init does {@code domus.action}. */
record TestGuest(GuestPayload payload, Arch arch) {
    /** The payload from the usual cache, fetched if missing; skips (or fails under DOMUS_REQUIRE_E2E=1) without it. */
    static TestGuest arm64() {
        TestQemu.require(Arch.ARM64);
        try {
            return new TestGuest(GuestPayload.arm64(), Arch.ARM64);
        } catch (PayloadException e) {
            throw E2E.unavailable("the Arm64 guest payload is not available: " + e.getMessage());
        }
    }

    /** Debian's amd64 kernel and busybox, for qemu-system-x86_64. */
    static TestGuest x86_64() {
        TestQemu.require(Arch.X86_64);
        try {
            return new TestGuest(GuestPayload.x86_64(), Arch.X86_64);
        } catch (PayloadException e) {
            throw E2E.unavailable("the amd64 guest payload is not available: " + e.getMessage());
        }
    }

    /** 128 MiB, the first UART as console, and what the payload's init should do once it has said DOMUS-READY. */
    DomainSpec spec(String name, int vcpus, String action, Path workDir) {
        String console = arch == Arch.ARM64 ? "ttyAMA0" : "ttyS0";
        return new DomainSpec(name, arch, 128 * TestQemu.MIB, vcpus, payload.kernel(), payload.initramfs(),
                "console=%s domus.name=%s domus.action=%s".formatted(console, name, action), workDir);
    }
}
