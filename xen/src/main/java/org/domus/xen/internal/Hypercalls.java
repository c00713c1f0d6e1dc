package org.domus.xen.internal;

import org.domus.engine.xen.Hypercall;

/**
 * Routes a hypercall by number (public/xen.h) to the operation that answers it, with its arguments narrowed to
 * the C types Xen's handlers declare (an {@code int cmd} only sees x0's low 32 bits there too).
 */
public final class Hypercalls {
    public static final int MEMORY_OP = 12;
    public static final int XEN_VERSION = 17;
    public static final int CONSOLE_IO = 18;
    public static final int GRANT_TABLE_OP = 20;
    public static final int VM_ASSIST = 21;
    public static final int VCPU_OP = 24;
    public static final int SCHED_OP = 29;
    public static final int EVENT_CHANNEL_OP = 32;
    public static final int HVM_OP = 34;
    static final int VMASST_CMD_ENABLE = 0;
    static final int VMASST_CMD_DISABLE = 1;
    static final int VMASST_TYPE_RUNSTATE_UPDATE_FLAG = 5;
    /** PSCI calls Xen answers for its guests (vpsci.c) that end the domain; the program under the guest asks them here. */
    public static final long PSCI_SYSTEM_OFF = 0x84000008L;
    public static final long PSCI_SYSTEM_RESET = 0x84000009L;
    static final int SHUTDOWN_POWEROFF = 0;
    static final int SHUTDOWN_REBOOT = 1;

    private Hypercalls() {
    }

    /** The call's result, or throws {@link XenError} with the errno. */
    public static long dispatch(DomainState d, GuestVirtual g, Hypercall c) {
        if (c.op() == PSCI_SYSTEM_OFF || c.op() == PSCI_SYSTEM_RESET) {
            // Xen's vPSCI: the domain shuts down with the reason SCHEDOP_shutdown would give.
            d.shutdown(c.op() == PSCI_SYSTEM_OFF ? SHUTDOWN_POWEROFF : SHUTDOWN_REBOOT);
            return 0;
        }
        if (c.op() < 0 || c.op() > 63) {
            throw XenError.of(Errno.ENOSYS);
        }
        return switch ((int) c.op()) {
            case MEMORY_OP -> MemoryOp.call(d, g, c.a0(), c.a1());
            case XEN_VERSION -> VersionOp.call(g, (int) c.a0(), c.a1());
            case CONSOLE_IO -> ConsoleIo.call(d, g, (int) c.a0(), (int) c.a1(), c.a2());
            case GRANT_TABLE_OP -> GrantTableOp.call(d, g, (int) c.a0(), c.a1(), (int) c.a2());
            case VM_ASSIST -> vmAssist(d, (int) c.a0(), Integer.toUnsignedLong((int) c.a1()));
            case VCPU_OP -> VcpuOp.call(d, g, (int) c.a0(), Integer.toUnsignedLong((int) c.a1()), c.a2());
            case SCHED_OP -> SchedOp.call(d, g, c.vcpu(), (int) c.a0(), c.a1());
            case EVENT_CHANNEL_OP -> EventChannelOp.call(d, g, (int) c.a0(), c.a1());
            case HVM_OP -> HvmOp.call(d, g, c.a0(), c.a1());
            default -> throw XenError.of(Errno.ENOSYS);
        };
    }

    /** Arm offers one assist only: the runstate area's update flag. */
    private static long vmAssist(DomainState d, int cmd, long type) {
        if (type != VMASST_TYPE_RUNSTATE_UPDATE_FLAG) {
            throw XenError.of(Errno.EINVAL);
        }
        boolean on = switch (cmd) {
            case VMASST_CMD_ENABLE -> true;
            case VMASST_CMD_DISABLE -> false;
            default -> throw XenError.of(Errno.ENOSYS);
        };
        d.events().lock().lock();
        try {
            d.runstateUpdateFlag(on);
        } finally {
            d.events().lock().unlock();
        }
        return 0;
    }
}
