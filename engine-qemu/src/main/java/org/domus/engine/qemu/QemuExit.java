package org.domus.engine.qemu;

import org.domus.engine.ExitReason;

/**
 * What ended a QEMU, in the hypervisor's terms, from what was seen on the way: the {@code SHUTDOWN} event's reason,
 * a kernel panic on the console or a {@code GUEST_PANICKED} event, a destroy from the host, and the exit status.
 */
final class QemuExit {
    private QemuExit() {
    }

    /**
     * @param shutdownReason the last SHUTDOWN event's {@code reason}, or null if none came
     * @param panic          the panic line or GUEST_PANICKED details, or null
     * @param destroyed      the host asked for the domain to go
     * @param status         QEMU's exit status
     * @param what           how to name QEMU in a message ("qemu-system-aarch64 (pid 123)")
     * @param logTail        the last lines of QEMU's log
     */
    static ExitReason reason(String shutdownReason, String panic, boolean destroyed, int status, String what, String logTail) {
        if (panic != null) {
            return new ExitReason.Crash(panic); // a panicking Linux resets itself: the reset is only its last act
        }
        if (destroyed) {
            return new ExitReason.Destroyed();
        }
        if (shutdownReason != null) {
            switch (shutdownReason) {
                case "guest-shutdown", "guest-poweroff" -> {
                    return new ExitReason.PowerOff();
                }
                case "guest-reset", "host-qmp-system-reset", "subsystem-reset" -> {
                    return new ExitReason.Reboot();
                }
                case "guest-panic" -> {
                    return new ExitReason.Crash("guest panicked");
                }
                case "host-qmp-quit" -> {
                    return new ExitReason.Destroyed(); // someone else quit it over QMP
                }
                default -> {
                    return new ExitReason.Error("%s stopped (%s) and %s%s".formatted(what, shutdownReason,
                            QemuProcess.describe(status), logTail.isEmpty() ? "" : ": " + logTail));
                }
            }
        }
        return new ExitReason.Error("%s %s%s".formatted(what, QemuProcess.describe(status),
                logTail.isEmpty() ? "" : ": " + logTail));
    }
}
