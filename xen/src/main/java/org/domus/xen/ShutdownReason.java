package org.domus.xen;

/** Why a guest asked to stop (SCHEDOP_shutdown, public/sched.h SHUTDOWN_*), in Xen's numbering. */
public enum ShutdownReason {
    POWEROFF, REBOOT, SUSPEND, CRASH, WATCHDOG, SOFT_RESET;

    static ShutdownReason of(int code) {
        return values()[code];
    }
}
