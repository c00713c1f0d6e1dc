package org.domus.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The end-to-end gate. A test that needs what a host may lack (QEMU, the guest payload, Debian's reference tools,
 * the network) calls this when it is missing: under {@code DOMUS_REQUIRE_E2E=1} (CI, through {@code .ci/run}) the
 * test fails, because a prerequisite missing there is a broken machine, not a reason to pass; anywhere else it is
 * skipped, with the reason as measured, so a developer without QEMU still runs every unit test.
 */
public final class E2E {
    /** The variable that makes a missing prerequisite a failure. */
    public static final String REQUIRE = "DOMUS_REQUIRE_E2E";

    private E2E() {
    }

    /** Whether end-to-end prerequisites must be there ({@code DOMUS_REQUIRE_E2E=1}). */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE));
    }

    /** Fails or skips the calling test, as {@link #unavailable}, unless {@code available}. */
    public static void require(boolean available, String reason) {
        if (!available) {
            unavailable(reason);
        }
    }

    /**
     * Fails the calling test because {@code reason} under {@code DOMUS_REQUIRE_E2E=1}, else skips it. Never returns:
     * the return type only lets a caller that must yield a value write {@code throw E2E.unavailable(reason)}.
     */
    public static AssertionError unavailable(String reason) {
        if (required()) {
            Assertions.fail(REQUIRE + "=1 and " + reason);
        }
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }
}
