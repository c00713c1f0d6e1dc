package org.domus.xen.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.domus.engine.xen.Upcalls;

/**
 * One domain's event channels, 2-level ABI: the port table, and delivery Xen-style (pending bit in shared_info,
 * then, unless masked, the vCPU's selector bit and upcall flag, then the upcall). Port state changes under the
 * domain's lock; two domains' locks are taken in domid order; nothing outside this class (another domain's
 * lock, a Domus backend) is called with the lock held, so a backend answering from another thread cannot
 * deadlock against a vCPU sending.
 */
public final class EventChannels {
    /** Xen's default {@code max_evtchn_port} for dom0less domains. */
    public static final int DEFAULT_MAX_PORT = 1023;
    /** Xen's NR_VIRQS. */
    static final int NR_VIRQS = 24;

    private final int domid;
    private final int vcpus;
    private final int maxPort;
    private final Peers peers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition eventArrived = lock.newCondition();
    private final Binding[] ports;
    private final int[] notifyVcpu;
    private final int[][] virqPorts;
    private volatile SharedInfo shared;
    private volatile VcpuInfo[] vcpuInfo;
    private volatile Upcalls upcalls = vcpu -> { };

    public EventChannels(int domid, int vcpus, int maxPort, Peers peers) {
        if (maxPort < 1 || maxPort >= SharedInfo.PORTS) {
            throw new IllegalArgumentException("max event-channel port " + maxPort + " outside 1.." + (SharedInfo.PORTS - 1));
        }
        this.domid = domid;
        this.vcpus = vcpus;
        this.maxPort = maxPort;
        this.peers = peers;
        this.ports = new Binding[maxPort + 1];
        this.notifyVcpu = new int[maxPort + 1];
        this.virqPorts = new int[vcpus][NR_VIRQS];
        ports[0] = new Binding.Reserved();
        resetGuestState();
    }

    public int domid() {
        return domid;
    }

    public int vcpus() {
        return vcpus;
    }

    public int maxPort() {
        return maxPort;
    }

    public ReentrantLock lock() {
        return lock;
    }

    public void upcalls(Upcalls u) {
        this.upcalls = u;
    }

    /** A new guest: a fresh shared_info and vcpu_infos (the port table is the caller's to reset). */
    public void resetGuestState() {
        lock.lock();
        try {
            shared = new SharedInfo();
            vcpuInfo = new VcpuInfo[vcpus];
            for (int v = 0; v < vcpus; v++) {
                vcpuInfo[v] = new VcpuInfo(v, shared);
            }
        } finally {
            lock.unlock();
        }
    }

    public void mapSharedInfo(GuestMemory mem, long gfn) {
        lock.lock();
        try {
            shared.mapAt(mem, gfn);
        } finally {
            lock.unlock();
        }
    }

    public long sharedInfoGfn() {
        return shared.gfn();
    }

    /**
     * Register_vcpu_info: -EBUSY the second time, as Xen. Everything is marked pending and the upcall raised even
     * if the flag was already set, as Xen's map_vcpu_info does: a flag set before the guest had a handler (an event
     * at boot, carried over from shared_info's slot) stands for an upcall the guest never took, and while the flag
     * stays set no later event raises one, so without this every event to the vCPU would be lost.
     */
    public void registerVcpuInfo(int vcpu, java.lang.foreign.MemorySegment area) {
        lock.lock();
        try {
            VcpuInfo info = vcpuInfo[vcpu];
            if (info.isRegistered()) {
                throw XenError.of(Errno.EBUSY);
            }
            info.register(area);
            info.markUpcallPending();
            raise(vcpu);
        } finally {
            lock.unlock();
        }
    }

    public boolean upcallPending(int vcpu) {
        return vcpuInfo[vcpu].upcallPending();
    }

    // ---- allocation -------------------------------------------------------------------------------------

    private int allocate(int port) {
        if (port != 0) {
            if (port < 0 || port > maxPort) {
                throw XenError.of(Errno.ENOSPC);
            }
            if (ports[port] != null) {
                throw XenError.of(Errno.EBUSY);
            }
            return port;
        }
        for (int p = 1; p <= maxPort; p++) {
            if (ports[p] == null) {
                return p;
            }
        }
        throw XenError.of(Errno.ENOSPC);
    }

    private void bind(int port, Binding b, int vcpu) {
        ports[port] = b;
        notifyVcpu[port] = vcpu;
        // A reused port must not carry the previous binding's pending event (Xen's evtchn_port_init).
        shared.clearPending(port);
    }

    private boolean valid(int port) {
        return port > 0 && port <= maxPort;
    }

    public int allocUnbound(int port, int remoteDomid) {
        lock.lock();
        try {
            int p = allocate(port);
            bind(p, new Binding.Unbound(remoteDomid), 0);
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** Binds a local port to {@code remotePort} of {@code remoteDomid}, which must be unbound for this domain. */
    public int bindInterdomain(int port, int remoteDomid, int remotePort) {
        EventChannels remote = remoteDomid == domid ? this : peers.lookup(remoteDomid);
        if (remote == null) {
            throw XenError.of(Errno.ESRCH);
        }
        lockBoth(remote);
        try {
            int p = allocate(port);
            if (!remote.valid(remotePort) || (remote == this && remotePort == p)
                    || !(remote.ports[remotePort] instanceof Binding.Unbound(int allowed) && allowed == domid)) {
                throw XenError.of(Errno.EINVAL);
            }
            bind(p, new Binding.Interdomain(remoteDomid, remotePort), 0);
            remote.ports[remotePort] = new Binding.Interdomain(domid, p);
            // Notifications sent to the remote port while it was unbound were dropped: signal once, as Xen does.
            setPendingLocked(p);
            return p;
        } finally {
            unlockBoth(remote);
        }
    }

    public int bindVirq(int virq, int vcpu) {
        if (virq < 0 || virq >= NR_VIRQS) {
            throw XenError.of(Errno.EINVAL);
        }
        Virqs.Kind kind = Virqs.kind(virq);
        if (kind != Virqs.Kind.VCPU && vcpu != 0) {
            throw XenError.of(Errno.EINVAL);
        }
        if (vcpu < 0 || vcpu >= vcpus) {
            throw XenError.of(Errno.ENOENT);
        }
        lock.lock();
        try {
            // Global VIRQs belong to the hardware domain; Domus's domains never are it.
            if (kind == Virqs.Kind.GLOBAL) {
                throw XenError.of(Errno.EBUSY);
            }
            if (virqPorts[vcpu][virq] != 0) {
                throw XenError.of(Errno.EEXIST);
            }
            int p = allocate(0);
            bind(p, new Binding.Virq(virq), vcpu);
            virqPorts[vcpu][virq] = p;
            return p;
        } finally {
            lock.unlock();
        }
    }

    public int bindIpi(int vcpu) {
        if (vcpu < 0 || vcpu >= vcpus) {
            throw XenError.of(Errno.ENOENT);
        }
        lock.lock();
        try {
            int p = allocate(0);
            bind(p, new Binding.Ipi(), vcpu);
            return p;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Binds an unbound port waiting for domain 0 to a backend in Domus: from now on the guest's notifications
     * on it run {@code endpoint} (on the sending vCPU's thread, no lock held).
     */
    public void bindHost(int port, Runnable endpoint) {
        lock.lock();
        try {
            if (!valid(port) || !(ports[port] instanceof Binding.Unbound(int remote) && remote == 0)) {
                throw XenError.of(Errno.EINVAL);
            }
            ports[port] = new Binding.Host(endpoint);
            setPendingLocked(port);
        } finally {
            lock.unlock();
        }
    }

    /** The backend lets go of the port: it is unbound for domain 0 again, as when a backend domain closes its end. */
    public void unbindHost(int port, Runnable endpoint) {
        lock.lock();
        try {
            if (valid(port) && ports[port] instanceof Binding.Host(Runnable e) && e == endpoint) {
                ports[port] = new Binding.Unbound(0);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A backend in Domus notifies the guest; false if the port is no longer bound to that backend. */
    public boolean notifyFromHost(int port, Runnable endpoint) {
        lock.lock();
        try {
            if (!valid(port) || !(ports[port] instanceof Binding.Host(Runnable e) && e == endpoint)) {
                return false;
            }
            setPendingLocked(port);
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- operations on a port -----------------------------------------------------------------------------

    public void close(int port) {
        if (!valid(port)) {
            throw XenError.of(Errno.EINVAL);
        }
        while (true) {
            EventChannels remote = this;
            if (lockedBinding(port) instanceof Binding.Interdomain(int rd, int _) && rd != domid) {
                remote = peers.lookup(rd);
                if (remote == null) {
                    remote = this;
                }
            }
            lockBoth(remote);
            try {
                if (closeLocked(port, remote)) {
                    return;
                }
            } finally {
                unlockBoth(remote);
            }
        }
    }

    /** False when the port was re-bound to another domain between the look and the locks: try again. */
    private boolean closeLocked(int port, EventChannels remote) {
        switch (ports[port]) {
            case null -> throw XenError.of(Errno.EINVAL);
            case Binding.Reserved _ -> throw XenError.of(Errno.EINVAL);
            case Binding.Virq(int virq) -> {
                int v = Virqs.kind(virq) == Virqs.Kind.VCPU ? notifyVcpu[port] : 0;
                virqPorts[v][virq] = 0;
            }
            case Binding.Interdomain(int rd, int rp) -> {
                EventChannels peer = rd == domid ? this : remote;
                if (peer.domid != rd && peers.lookup(rd) != null) {
                    return false;
                }
                if (peer.domid == rd && peer.valid(rp)
                        && peer.ports[rp] instanceof Binding.Interdomain(int back, int bp) && back == domid && bp == port) {
                    peer.ports[rp] = new Binding.Unbound(domid);
                }
            }
            case Binding.Unbound _, Binding.Ipi _, Binding.Host _ -> { }
        }
        ports[port] = null;
        return true;
    }

    public void send(int port) {
        if (!valid(port)) {
            throw XenError.of(Errno.EINVAL);
        }
        Runnable hostEndpoint = null;
        int remoteDomid = -1;
        int remotePort = 0;
        lock.lock();
        try {
            switch (ports[port]) {
                case Binding.Interdomain(int rd, int rp) -> {
                    remoteDomid = rd;
                    remotePort = rp;
                }
                case Binding.Ipi _ -> setPendingLocked(port);
                case Binding.Unbound _ -> { }
                case Binding.Host(Runnable endpoint) -> hostEndpoint = endpoint;
                case null, default -> throw XenError.of(Errno.EINVAL);
            }
        } finally {
            lock.unlock();
        }
        if (hostEndpoint != null) {
            hostEndpoint.run();
        } else if (remoteDomid >= 0) {
            EventChannels remote = remoteDomid == domid ? this : peers.lookup(remoteDomid);
            if (remote != null) {
                remote.deliverFrom(remotePort, domid, port);
            }
        }
    }

    /** An interdomain notification arriving at {@code port}, if it is still bound to the sender's port. */
    private void deliverFrom(int port, int fromDomid, int fromPort) {
        lock.lock();
        try {
            if (valid(port) && ports[port] instanceof Binding.Interdomain(int rd, int rp) && rd == fromDomid && rp == fromPort) {
                setPendingLocked(port);
            }
        } finally {
            lock.unlock();
        }
    }

    public void bindVcpu(int port, int vcpu) {
        if (vcpu < 0 || vcpu >= vcpus) {
            throw XenError.of(Errno.ENOENT);
        }
        if (!valid(port)) {
            throw XenError.of(Errno.EINVAL);
        }
        lock.lock();
        try {
            switch (ports[port]) {
                case Binding.Virq(int virq) when Virqs.kind(virq) != Virqs.Kind.VCPU -> notifyVcpu[port] = vcpu;
                case Binding.Unbound _, Binding.Interdomain _, Binding.Host _ -> notifyVcpu[port] = vcpu;
                case null, default -> throw XenError.of(Errno.EINVAL);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Clears the mask bit and, if the port is pending, re-raises it on its vCPU: Linux relies on this for ports
     * it unmasks from another vCPU than the one they notify.
     */
    public void unmask(int port) {
        if (!valid(port)) {
            throw XenError.of(Errno.EINVAL);
        }
        lock.lock();
        try {
            int v = notifyVcpu[port];
            if (shared.unmask(port) && shared.isPending(port) && !vcpuInfo[v].selectWord(port >>> 6)) {
                markEventsPending(v);
            }
        } finally {
            lock.unlock();
        }
    }

    public PortStatus status(int port) {
        if (port == 0) {
            return new PortStatus(PortStatus.CLOSED, 0, 0, 0, 0);
        }
        if (!valid(port)) {
            throw XenError.of(Errno.EINVAL);
        }
        lock.lock();
        try {
            int v = notifyVcpu[port];
            return switch (ports[port]) {
                case null -> new PortStatus(PortStatus.CLOSED, 0, 0, 0, 0);
                case Binding.Reserved _ -> new PortStatus(PortStatus.CLOSED, 0, 0, 0, 0);
                case Binding.Unbound(int rd) -> new PortStatus(PortStatus.UNBOUND, v, rd, 0, 0);
                case Binding.Interdomain(int rd, int rp) -> new PortStatus(PortStatus.INTERDOMAIN, v, rd, rp, 0);
                case Binding.Host _ -> new PortStatus(PortStatus.INTERDOMAIN, v, 0, 0, 0);
                case Binding.Virq(int virq) -> new PortStatus(PortStatus.VIRQ, v, 0, 0, virq);
                case Binding.Ipi _ -> new PortStatus(PortStatus.IPI, v, 0, 0, 0);
            };
        } finally {
            lock.unlock();
        }
    }

    /** The current binding of a port (null when free), for the hypervisor's view and tests. */
    public Binding binding(int port) {
        return valid(port) ? lockedBinding(port) : null;
    }

    private Binding lockedBinding(int port) {
        lock.lock();
        try {
            return ports[port];
        } finally {
            lock.unlock();
        }
    }

    public boolean isPending(int port) {
        return valid(port) && shared.isPending(port);
    }

    /** Closes every port (peers see theirs unbound again) and forgets VIRQ bindings: a new guest starts clean. */
    public void closeAll() {
        for (int p = 1; p <= maxPort; p++) {
            if (lockedBinding(p) != null) {
                close(p);
            }
        }
    }

    // ---- delivery ---------------------------------------------------------------------------------------

    private void setPendingLocked(int port) {
        int v = notifyVcpu[port];
        try {
            boolean was = shared.setPending(port);
            boolean masked = shared.isMasked(port);
            if (Trace.ON) {
                Trace.line("d" + domid + " port " + port + " pending on v" + v + (was ? " (was pending)" : "") + (masked ? " (masked)" : ""));
            }
            if (!was && !masked && !vcpuInfo[v].selectWord(port >>> 6)) {
                markEventsPending(v);
            }
        } catch (IllegalStateException gone) {
            // the guest's RAM was unmapped (it ended): nobody to deliver to; its successor starts clean
        }
        eventArrived.signalAll();
    }

    private void markEventsPending(int vcpu) {
        if (!vcpuInfo[vcpu].markUpcallPending()) {
            raise(vcpu);
        }
        eventArrived.signalAll();
    }

    private void raise(int vcpu) {
        if (Trace.ON) {
            Trace.line("d" + domid + " upcall raised on v" + vcpu);
        }
        upcalls.raise(vcpu);
        eventArrived.signalAll();
    }

    /**
     * Waits (at most {@code nanos}) until {@code ready} holds, re-checked whenever an event is set pending:
     * SCHEDOP_block and SCHEDOP_poll. The guest's own timer interrupts are invisible here, so the caller bounds
     * the wait and the guest sees a spurious wake-up, which both calls allow.
     */
    public void await(java.util.function.BooleanSupplier ready, long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (!ready.getAsBoolean() && left > 0) {
                left = eventArrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void lockBoth(EventChannels other) {
        if (other == this) {
            lock.lock();
        } else if (domid < other.domid) {
            lock.lock();
            other.lock.lock();
        } else {
            other.lock.lock();
            lock.lock();
        }
    }

    private void unlockBoth(EventChannels other) {
        if (other != this) {
            other.lock.unlock();
        }
        lock.unlock();
    }
}
