package org.domus.xen.internal;

import java.util.function.Consumer;
import java.util.function.IntPredicate;

import org.domus.engine.xen.Upcalls;

/**
 * Everything Xen keeps for one domain that the hypercalls read and change. The port table and delivery are in
 * {@link EventChannels}, whose lock guards the rest too; guest-side state (RAM, grant frames, balloon,
 * runstate areas) is replaced by {@link #attach} when a new guest starts.
 */
public final class DomainState {
    public static final int DOMID_SELF = 0x7FF0;

    private final int domid;
    private final int vcpus;
    private final int grantFrames;
    private final EventChannels events;
    private final HvmParams params = new HvmParams();
    private final IntPredicate domainExists;
    private final Consumer<Integer> shutdown;
    private final Consumer<byte[]> consoleWrite;
    private volatile GuestMemory memory;
    private GrantTable grants;
    private Reservation reservation;
    private volatile Runstate[] runstates;
    private boolean runstateUpdateFlag;
    private long startNanos;
    private int shutdownCode = -1;
    private boolean shuttingDown;
    /** SHUTDOWN_suspend: the one reason after which a guest goes on (Domus has no save/restore). */
    static final int SHUTDOWN_SUSPEND = 2;

    public DomainState(int domid, int vcpus, int grantFrames, Peers peers, IntPredicate domainExists,
                       Consumer<Integer> shutdown, Consumer<byte[]> consoleWrite) {
        this.domid = domid;
        this.vcpus = vcpus;
        this.grantFrames = grantFrames;
        this.events = new EventChannels(domid, vcpus, EventChannels.DEFAULT_MAX_PORT, peers);
        this.domainExists = domainExists;
        this.shutdown = shutdown;
        this.consoleWrite = consoleWrite;
        this.grants = new GrantTable(grantFrames);
        this.runstates = newRunstates();
    }

    private Runstate[] newRunstates() {
        Runstate[] r = new Runstate[vcpus];
        for (int i = 0; i < vcpus; i++) {
            r[i] = new Runstate();
        }
        return r;
    }

    /** A new guest on {@code ram}: Xen's guest-side state starts over; ports are the caller's to replay. */
    public void attach(GuestMemory mem, Upcalls upcalls) {
        events.lock().lock();
        try {
            events.resetGuestState();
            events.upcalls(upcalls);
            memory = mem;
            grants = new GrantTable(grantFrames);
            reservation = new Reservation(mem);
            runstates = newRunstates();
            runstateUpdateFlag = false;
            startNanos = System.nanoTime();
            shutdownCode = -1;
            shuttingDown = false;
        } finally {
            events.lock().unlock();
        }
    }

    public int domid() {
        return domid;
    }

    public int vcpus() {
        return vcpus;
    }

    public EventChannels events() {
        return events;
    }

    public HvmParams params() {
        return params;
    }

    public GuestMemory memory() {
        return memory;
    }

    public GrantTable grants() {
        return grants;
    }

    public Reservation reservation() {
        return reservation;
    }

    public Runstate runstate(int vcpu) {
        return runstates[vcpu];
    }

    public boolean runstateUpdateFlag() {
        return runstateUpdateFlag;
    }

    public void runstateUpdateFlag(boolean on) {
        runstateUpdateFlag = on;
    }

    /** Nanoseconds since this guest started: the domain's system time. */
    public long now() {
        return System.nanoTime() - startNanos;
    }

    public void shutdownCode(int code) {
        shutdownCode = code;
    }

    public int shutdownCode() {
        return shutdownCode;
    }

    /**
     * The guest's first shutdown is the one that counts, as in Xen's domain_shutdown: Xen never returns to a guest
     * it shut down, but Domus's vCPUs run on until the engine ends them, and Linux, back from SCHEDOP_shutdown,
     * goes on to PSCI with the same request.
     */
    public void shutdown(int reason) {
        events.lock().lock();
        try {
            if (shuttingDown) {
                return;
            }
            shuttingDown = reason != SHUTDOWN_SUSPEND;
        } finally {
            events.lock().unlock();
        }
        shutdown.accept(reason);
    }

    public void consoleWrite(byte[] bytes) {
        consoleWrite.accept(bytes);
    }

    /**
     * Resolves a domid argument as Xen's rcu_lock_domain_by_any_id plus XSM's default policy for a domU:
     * itself (DOMID_SELF or its id) passes, another domain is -EPERM, no such domain -ESRCH.
     */
    public void checkSelf(int dom) {
        if (dom == DOMID_SELF || dom == domid) {
            return;
        }
        throw XenError.of(domainExists.test(dom) ? Errno.EPERM : Errno.ESRCH);
    }
}
