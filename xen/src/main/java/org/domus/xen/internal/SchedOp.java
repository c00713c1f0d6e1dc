package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * {@code sched_op}. Blocking waits on the calling vCPU's own thread, for an event or at most a bound: Domus
 * cannot see the guest's timer interrupts, so a block or poll without a pending event returns after
 * {@link #MAX_WAIT_NANOS} as a spurious wake-up, which both calls allow for.
 */
final class SchedOp {
    static final int YIELD = 0;
    static final int BLOCK = 1;
    static final int SHUTDOWN = 2;
    static final int POLL = 3;
    static final int REMOTE_SHUTDOWN = 4;
    static final int SHUTDOWN_CODE = 5;
    static final int PIN_OVERRIDE = 7;
    static final int SHUTDOWN_MAX = 5;
    static final int MAX_POLL_PORTS = 128;
    static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private SchedOp() {
    }

    static long call(DomainState d, GuestVirtual g, int vcpu, int cmd, long arg) {
        switch (cmd) {
            case YIELD -> Thread.yield();
            case BLOCK -> waitBlocked(d, vcpu, () -> d.events().upcallPending(vcpu), MAX_WAIT_NANOS);
            case SHUTDOWN -> {
                int reason = g.readInt(arg);
                if (reason < 0 || reason > SHUTDOWN_MAX) {
                    throw XenError.of(Errno.EINVAL);
                }
                d.shutdown(reason);
            }
            case POLL -> poll(d, g, vcpu, arg);
            case REMOTE_SHUTDOWN -> {
                MemorySegment r = g.copyIn(arg, 8);
                int dom = Struct.u16(r, 0);
                // Only a device model or the control domain may shut another down; by id, never DOMID_SELF.
                d.checkSelf(dom == DomainState.DOMID_SELF ? -1 : dom);
                throw XenError.of(Errno.EPERM);
            }
            case SHUTDOWN_CODE -> {
                int reason = g.readInt(arg);
                d.events().lock().lock();
                try {
                    d.shutdownCode(reason);
                } finally {
                    d.events().lock().unlock();
                }
            }
            case PIN_OVERRIDE -> throw XenError.of(Errno.EPERM);
            default -> throw XenError.of(Errno.ENOSYS);
        }
        return 0;
    }

    /** struct sched_poll: ports @0, nr_ports @8, timeout @16 (absolute system time in ns, 0 = none). */
    private static void poll(DomainState d, GuestVirtual g, int vcpu, long arg) {
        MemorySegment p = g.copyIn(arg, 24);
        long portsVa = Struct.u64(p, 0);
        int n = Struct.u32(p, 8);
        long timeout = Struct.u64(p, 16);
        if (n < 0 || n > MAX_POLL_PORTS) {
            throw XenError.of(Errno.EINVAL);
        }
        MemorySegment list = g.copyIn(portsVa, n * 4);
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = Struct.u32(list, 4L * i);
            if (ports[i] < 0 || ports[i] > d.events().maxPort()) {
                throw XenError.of(Errno.EINVAL);
            }
        }
        long wait = MAX_WAIT_NANOS;
        if (timeout != 0) {
            wait = Math.min(wait, Math.max(0, timeout - d.now()));
        }
        waitBlocked(d, vcpu, () -> {
            for (int port : ports) {
                if (d.events().isPending(port)) {
                    return true;
                }
            }
            return false;
        }, wait);
    }

    private static void waitBlocked(DomainState d, int vcpu, java.util.function.BooleanSupplier ready, long nanos) {
        if (ready.getAsBoolean()) {
            return;
        }
        runstate(d, vcpu, Runstate.BLOCKED);
        try {
            d.events().await(ready, nanos);
        } finally {
            runstate(d, vcpu, Runstate.RUNNING);
        }
    }

    private static void runstate(DomainState d, int vcpu, int state) {
        d.events().lock().lock();
        try {
            Runstate r = d.runstate(vcpu);
            r.change(state, d.now());
            r.publish(d.memory(), d.runstateUpdateFlag());
        } finally {
            d.events().lock().unlock();
        }
    }
}
