package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import org.domus.engine.ExitReason;
import org.junit.jupiter.api.Test;

class QemuExitTest {
    private static final String QEMU = "qemu-system-aarch64 (pid 7)";

    @Test
    void shutdownReasonsMapToTheHypervisorsTerms() {
        assertThat(QemuExit.reason("guest-shutdown", null, false, 0, QEMU, "")).isEqualTo(new ExitReason.PowerOff());
        assertThat(QemuExit.reason("guest-reset", null, false, 0, QEMU, "")).isEqualTo(new ExitReason.Reboot());
        assertThat(QemuExit.reason("host-qmp-system-reset", null, false, 0, QEMU, "")).isEqualTo(new ExitReason.Reboot());
        assertThat(QemuExit.reason("guest-panic", null, false, 0, QEMU, "")).isEqualTo(new ExitReason.Crash("guest panicked"));
        assertThat(QemuExit.reason("host-qmp-quit", null, false, 0, QEMU, "")).isEqualTo(new ExitReason.Destroyed());
    }

    @Test
    void aPanicLineOutranksTheResetThatFollowsIt() {
        assertThat(QemuExit.reason("guest-reset", "Kernel panic - not syncing: boom", false, 0, QEMU, ""))
                .isEqualTo(new ExitReason.Crash("Kernel panic - not syncing: boom"));
    }

    @Test
    void aDestroyOutranksTheQuitItCaused() {
        assertThat(QemuExit.reason("host-qmp-quit", null, true, 0, QEMU, "")).isEqualTo(new ExitReason.Destroyed());
        assertThat(QemuExit.reason(null, null, true, 137, QEMU, "")).isEqualTo(new ExitReason.Destroyed());
    }

    @Test
    void anExitWithoutShutdownIsAnErrorWithStatusAndLog() {
        assertThat(QemuExit.reason(null, null, false, 1, QEMU, "qemu-system-aarch64: oops"))
                .isEqualTo(new ExitReason.Error("qemu-system-aarch64 (pid 7) exited with status 1: qemu-system-aarch64: oops"));
        assertThat(QemuExit.reason(null, null, false, 137, QEMU, ""))
                .isEqualTo(new ExitReason.Error("qemu-system-aarch64 (pid 7) was killed by signal 9"));
        assertThat(QemuExit.reason("host-signal", null, false, 0, QEMU, "terminating on signal 15"))
                .isEqualTo(new ExitReason.Error("qemu-system-aarch64 (pid 7) stopped (host-signal) and exited with status 0: terminating on signal 15"));
    }
}
