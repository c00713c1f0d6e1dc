package org.domus.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class E2ETest {
    /** CI (DOMUS_REQUIRE_E2E=1) fails where a developer's machine skips, with the reason either way. */
    @Test
    void aMissingPrerequisiteFailsUnderTheGateAndSkipsElsewhere() {
        Class<? extends Throwable> expected = E2E.required() ? AssertionFailedError.class : TestAbortedException.class;
        String message = (E2E.required() ? "DOMUS_REQUIRE_E2E=1 and " : "") + "qemu-system-aarch64 is not on PATH";
        assertThatThrownBy(() -> E2E.unavailable("qemu-system-aarch64 is not on PATH")).isExactlyInstanceOf(expected)
                .hasMessage(message);
        assertThatThrownBy(() -> E2E.require(false, "qemu-system-aarch64 is not on PATH")).isExactlyInstanceOf(expected)
                .hasMessage(message);
    }

    @Test
    void aPrerequisiteThatIsThereLetsTheTestRun() {
        assertThatCode(() -> E2E.require(true, "never said")).doesNotThrowAnyException();
    }
}
