package org.domus.payload;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need the network or QEMU. Where {@code DOMUS_REQUIRE_E2E=1} (CI), a missing QEMU or a failed
 * fetch fails the test; elsewhere the test is skipped, with the reason as measured.
 */
final class EndToEnd {
    private EndToEnd() {
    }

    static boolean required() {
        return "1".equals(System.getenv("DOMUS_REQUIRE_E2E"));
    }

    /** Fails or skips the calling test because {@code reason}. */
    static void unavailable(String reason) {
        if (required()) {
            fail("DOMUS_REQUIRE_E2E=1 and " + reason);
        }
        Assumptions.assumeTrue(false, reason);
    }

    /** The Arm64 payload from the usual cache (fetched if missing). */
    static GuestPayload arm64() {
        try {
            return GuestPayload.arm64();
        } catch (PayloadException e) {
            unavailable("the Arm64 guest payload could not be fetched: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }

    static Path qemuAarch64() {
        Path qemu = Tools.which("qemu-system-aarch64");
        if (qemu == null) {
            unavailable("qemu-system-aarch64 is not on PATH (Debian package qemu-system-arm)");
        }
        return qemu;
    }
}
