package org.domus.xen;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.domus.engine.xen.GuestRam;
import org.domus.engine.xen.Hypercall;
import org.domus.engine.xen.Upcalls;
import org.domus.engine.xen.XenAbi;
import org.domus.engine.xen.XenGuest;
import org.domus.xen.internal.Binding;
import org.domus.xen.internal.DomainState;
import org.domus.xen.internal.Errno;
import org.domus.xen.internal.EventChannels;
import org.domus.xen.internal.GrantTable;
import org.domus.xen.internal.GuestMemory;
import org.domus.xen.internal.GuestTree;
import org.domus.xen.internal.GuestVirtual;
import org.domus.xen.internal.HvmParams;
import org.domus.xen.internal.Hypercalls;
import org.domus.xen.internal.Trace;
import org.domus.xen.internal.XenError;

/**
 * One domain's Xen state, for as long as the domain exists: it answers every hypercall of every guest the
 * domain runs ({@link XenAbi}), and holds what the toolstack set up at build (static event channels, the
 * console and store channels, the store page once given), which each new guest finds again after a reboot.
 */
public final class XenDomain implements XenAbi {
    private record StaticChannel(int localPort, int remoteDomid, int remotePort) {
    }

    private final XenSystem system;
    private final XenDomainConfig config;
    private final DomainState state;
    private final ConsoleRing console;
    private final List<StaticChannel> statics = new ArrayList<>();
    private final LongAdder internalErrors = new LongAdder();
    private final AtomicReference<RuntimeException> firstInternalError = new AtomicReference<>();
    private final Object build = new Object();
    private int storePort;
    private boolean built;
    private boolean storePage;
    private StoreRing store;

    XenDomain(XenSystem system, XenDomainConfig config, Consumer<ShutdownReason> onShutdown) {
        this.system = system;
        this.config = config;
        this.state = new DomainState(config.domid(), config.vcpus(), config.layout().grantFrames(), system.peers(),
                system::exists, code -> onShutdown.accept(ShutdownReason.of(code)), bytes -> consoleWrite(bytes));
        this.console = new ConsoleRing(state.events());
    }

    private void consoleWrite(byte[] bytes) {
        console.xenWrite(bytes);
    }

    public int domid() {
        return config.domid();
    }

    public XenDomainConfig config() {
        return config;
    }

    public XenLayout layout() {
        return config.layout();
    }

    /** What to put in the engine's DomainSpec: this ABI and the guest tree edit. */
    public XenGuest guest() {
        return new XenGuest(this, guestTree());
    }

    /** Adds {@code /hypervisor} and the reserved Xen region to the engine's guest tree (a DTB). */
    public UnaryOperator<byte[]> guestTree() {
        XenLayout l = config.layout();
        return dtb -> GuestTree.edit(dtb, l.grantBase(), l.grantSize(), l.reservedBase(), l.reservedSize());
    }

    public ConsoleRing console() {
        return console;
    }

    // ---- build -------------------------------------------------------------------------------------------

    /**
     * Allocates the store channel (unbound, for domain 0, with STORE_PFN = ~0 until {@link #provideStorePage})
     * and the console channel (bound to {@link #console()}), after the static channels, as Xen allocates the
     * store channel after the domains' static ones. Once per domain; the ports then stay the same across reboots.
     */
    public void finishBuild() {
        synchronized (build) {
            if (built) {
                throw new IllegalStateException("d" + domid() + ": Xen channels already allocated");
            }
            EventChannels ev = state.events();
            if (config.xenstore()) {
                storePort = ev.allocUnbound(0, 0);
            }
            console.port(ev.allocUnbound(0, 0));
            ev.bindHost(console.port(), console.endpoint());
            built = true;
            setParams();
        }
    }

    /** HVM_PARAM_STORE_EVTCHN: 0 for a domain without a store. */
    public int storePort() {
        synchronized (build) {
            return storePort;
        }
    }

    /** HVM_PARAM_STORE_PFN as the guest reads it: ~0 until the store page is given, 0 without a store. */
    public long storePfn() {
        state.events().lock().lock();
        try {
            return state.params().get(HvmParams.STORE_PFN);
        } finally {
            state.events().lock().unlock();
        }
    }

    /**
     * init-dom0less's part: the store page at {@link XenLayout#storePfn()}, cleared and waiting for the store
     * (RECONNECT), granted to domain 0 (grant entry 1), and STORE_PFN set. Every later guest of this domain
     * gets it at once. Idempotent.
     */
    public void provideStorePage() {
        synchronized (build) {
            if (!config.xenstore()) {
                throw new IllegalStateException("d" + domid() + " has no xenstore (xen,enhanced = \"no-xenstore\")");
            }
            if (storePage) {
                return;
            }
            storePage = true;
            GuestMemory mem = state.memory();
            if (mem != null) {
                prepareStorePage(mem);
            }
            setParams();
        }
    }

    /**
     * What xenstored does on XS_INTRODUCE: binds the store channel, marks the ring CONNECTED and notifies the
     * guest (again until it talks). The returned ring is the domain's xenstore transport until closed or until
     * the guest is replaced ({@link StoreRing.Client#disconnected} then).
     *
     * @throws IllegalStateException when there is no store page or guest yet, or the ring is already connected
     */
    public StoreRing connectStore(StoreRing.Client client) {
        synchronized (build) {
            GuestMemory mem = state.memory();
            if (!storePage || mem == null) {
                throw new IllegalStateException("d" + domid() + ": no store page to connect yet (init-dom0less first, and a running guest)");
            }
            if (store != null && !store.isClosed()) {
                throw new IllegalStateException("d" + domid() + ": the store ring is already connected");
            }
            try {
                store = StoreRing.connect(mem.page(config.layout().storePfn()), state.events(), storePort, client);
            } catch (XenError e) {
                throw new IllegalStateException("d" + domid() + ": the store event channel " + storePort + " is not waiting for domain 0");
            }
            return store;
        }
    }

    /** Whether the current guest talks on a connected store ring: its kernel's xenbus is up and watching. */
    public boolean storeTalking() {
        synchronized (build) {
            return store != null && !store.isClosed() && store.guestTalked();
        }
    }

    /** Binds a static channel's local end at build (see {@link XenSystem#bindStatic}); kept for reboots. */
    void addStatic(int localPort, int remoteDomid, int remotePort) {
        synchronized (build) {
            statics.add(new StaticChannel(localPort, remoteDomid, remotePort));
        }
    }

    EventChannels events() {
        return state.events();
    }

    // ---- the guest ---------------------------------------------------------------------------------------

    @Override
    public void attach(GuestRam ram, Upcalls upcalls) {
        GuestMemory mem = new GuestMemory(ram);
        XenLayout l = config.layout();
        if (!mem.contains(l.reservedBase(), l.reservedSize())) {
            throw new IllegalArgumentException("d" + domid() + ": guest RAM 0x" + Long.toHexString(mem.base()) + "+0x"
                    + Long.toHexString(mem.size()) + " does not hold the Xen region at 0x" + Long.toHexString(l.reservedBase()));
        }
        synchronized (system.staticChannels()) {
            attachLocked(mem, upcalls, l);
        }
    }

    private void attachLocked(GuestMemory mem, Upcalls upcalls, XenLayout l) {
        synchronized (build) {
            if (store != null) {
                store.detach();
                store = null;
            }
            EventChannels ev = state.events();
            ev.closeAll();
            state.attach(mem, upcalls);
            MemorySegment consolePage = mem.page(l.consolePfn());
            consolePage.fill((byte) 0);
            console.rebind(consolePage);
            if (storePage) {
                prepareStorePage(mem);
            }
            replayChannels(ev);
            setParams();
        }
    }

    private void prepareStorePage(GuestMemory mem) {
        StoreRing.prepare(mem.page(config.layout().storePfn()));
    }

    /** The new guest's ports, as the first guest had them: static ones, then the store's and the console's. */
    private void replayChannels(EventChannels ev) {
        if (!built) {
            return;
        }
        for (StaticChannel s : statics) {
            EventChannels peer = system.peers().lookup(s.remoteDomid());
            if (peer != null && peer.binding(s.remotePort()) instanceof Binding.Unbound(int remote) && remote == domid()) {
                ev.bindInterdomain(s.localPort(), s.remoteDomid(), s.remotePort());
            } else {
                ev.allocUnbound(s.localPort(), s.remoteDomid());
            }
        }
        if (config.xenstore()) {
            ev.allocUnbound(storePort, 0);
        }
        ev.allocUnbound(console.port(), 0);
        ev.bindHost(console.port(), console.endpoint());
    }

    private void setParams() {
        XenLayout l = config.layout();
        state.events().lock().lock();
        try {
            HvmParams p = state.params();
            p.set(HvmParams.CONSOLE_PFN, l.consolePfn());
            p.set(HvmParams.CONSOLE_EVTCHN, console.port());
            p.set(HvmParams.STORE_EVTCHN, storePort);
            p.set(HvmParams.STORE_PFN, !config.xenstore() ? 0 : storePage ? l.storePfn() : HvmParams.LATE_ALLOC);
            GrantTable g = state.grants();
            g.seed(GrantTable.RESERVED_CONSOLE, 0, l.consolePfn());
            if (storePage) {
                g.seed(GrantTable.RESERVED_XENSTORE, 0, l.storePfn());
            }
        } finally {
            state.events().lock().unlock();
        }
    }

    @Override
    public long hypercall(Hypercall call) {
        try {
            GuestMemory mem = state.memory();
            if (mem == null || call == null || call.mmu() == null) {
                return -Errno.EFAULT;
            }
            if (call.vcpu() < 0 || call.vcpu() >= config.vcpus()) {
                return -Errno.EINVAL;
            }
            state.runstate(call.vcpu()).seen(call.mmu());
            long r = Hypercalls.dispatch(state, new GuestVirtual(mem, call.mmu()), call);
            if (Trace.ON) {
                Trace.hypercall(domid(), call.vcpu(), call.op(), call.a0(), call.a1(), call.a2(), r);
            }
            return r;
        } catch (XenError e) {
            if (Trace.ON) {
                Trace.hypercall(domid(), call.vcpu(), call.op(), call.a0(), call.a1(), call.a2(), -e.errno());
            }
            return -e.errno();
        } catch (RuntimeException e) {
            if (Trace.ON) {
                Trace.line("d" + domid() + " op=" + call.op() + " host exception " + e);
            }
            // A host-side bug or a guest replaced under a running call (its RAM unmapped): the guest gets an
            // error, never an exception; the count lets tests and the toolstack notice.
            internalErrors.increment();
            firstInternalError.compareAndSet(null, e);
            return -Errno.EFAULT;
        }
    }

    /** Whether the vCPU's upcall flag is set: an engine that lost an upcall can raise it again (Xen's level semantics). */
    public boolean upcallPending(int vcpu) {
        return state.events().upcallPending(vcpu);
    }

    /** Hypercalls that ended in a host-side exception: zero unless Domus has a bug. */
    public long internalErrors() {
        return internalErrors.sum();
    }

    public java.util.Optional<RuntimeException> firstInternalError() {
        return java.util.Optional.ofNullable(firstInternalError.get());
    }

    /** Pages the guest holds now (XENMEM_current_reservation), for the toolstack's view of the balloon. */
    public long currentPages() {
        state.events().lock().lock();
        try {
            return state.reservation() == null ? config.ramBytes() / XenLayout.PAGE : state.reservation().totPages();
        } finally {
            state.events().lock().unlock();
        }
    }

    /**
     * The most pages the current guest may hold, as the toolstack's {@code xc_domain_setmaxmem} sets it (xl mem-set
     * enforces its target so): the balloon's later populate calls stop there. Never above the RAM the domain was
     * built with; a new guest (a reboot) starts again at all of it, as its store entries do.
     */
    public void maxMemoryKib(long kib) {
        state.events().lock().lock();
        try {
            if (state.reservation() != null) {
                state.reservation().maxPages(kib / (XenLayout.PAGE / 1024));
            }
        } finally {
            state.events().lock().unlock();
        }
    }

    /** Port status for the toolstack and tests: EVTCHNSTAT_* and the other end. */
    public PortInfo port(int port) {
        try {
            var s = state.events().status(port);
            return new PortInfo(s.state(), s.vcpu(), s.remoteDomid(), s.remotePort(), state.events().isPending(port));
        } catch (XenError e) {
            throw new IllegalArgumentException("d" + domid() + ": no event channel port " + port);
        }
    }

    /** One port as the toolstack sees it ({@code state} is EVTCHNSTAT_*: 0 closed, 1 unbound, 2 interdomain, 4 virq, 5 ipi). */
    public record PortInfo(int state, int vcpu, int remoteDomid, int remotePort, boolean pending) {
    }

    void destroyed() {
        synchronized (build) {
            if (store != null) {
                store.detach();
                store = null;
            }
            state.events().closeAll();
            console.close();
        }
    }
}
