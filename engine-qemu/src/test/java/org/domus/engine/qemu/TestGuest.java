package org.domus.engine.qemu;

import java.nio.file.Path;

import org.domus.engine.DomainSpec;
import org.domus.engine.GuestArch;
import org.domus.engine.payload.GuestPayload;
import org.domus.engine.payload.PayloadException;

/** Debian's Arm64 kernel and busybox initramfs (the payload), as domains whose init does {@code domus.action}. */
record TestGuest(GuestPayload payload) {
    /** The payload from the usual cache, fetched if missing; skips (or fails under DOMUS_REQUIRE_E2E=1) without it. */
    static TestGuest arm64() {
        TestQemu.require(GuestArch.ARM64);
        try {
            return new TestGuest(GuestPayload.arm64());
        } catch (PayloadException e) {
            TestQemu.missing("the Arm64 guest payload is not available: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }

    /** 128 MiB, the PL011 as console, and what the payload's init should do once it has said DOMUS-READY. */
    DomainSpec spec(String name, int vcpus, String action, Path workDir) {
        return new DomainSpec(name, GuestArch.ARM64, 128 * TestQemu.MIB, vcpus, payload.kernel(), payload.initramfs(),
                "console=ttyAMA0 domus.name=%s domus.action=%s".formatted(name, action), workDir);
    }
}
