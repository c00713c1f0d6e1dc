package org.domus.hypervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.domus.dom0less.Enhanced;
import org.domus.engine.DomainHandle;
import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;
import org.domus.hypervisor.CpuAffinity.AffinityException;
import org.domus.xen.ShutdownReason;
import org.domus.xen.XenDomain;
import org.domus.xen.XenLayout;

/**
 * One domain of a running system: its id for life, its name (the store's, see {@link #name()}), the engine
 * handle behind it (a new one after each restart), and its state. Its exits are handled by its own policies;
 * nothing here touches another domain, so one domain rebooting or crashing never stops the others.
 * <p>
 * The state is a machine with one owner: every transition happens under {@link #lock}, checks the state it
 * leaves, and wakes whoever waits on {@link #changed}. Engine calls that can take seconds (a build) run outside
 * the lock; what happened meanwhile (a destroy asked for, an engine domain that already ended) is looked at again
 * when the lock is taken back. An engine domain's end is handled once, and only while it is the current one, so a
 * late exit of an old engine domain never touches its successor, and the first final state of a guest sticks.
 * <pre>
 *   BUILDING ──start──▶ RUNNING ⇄ PAUSED
 *      ▲                  │ exit: policy restart, or a reboot asked
 *      │ create           ▼
 *      │              RESTARTING ──rebuilt──▶ RUNNING
 *      │                  │ exit: policy destroy / preserve, destroy asked, a failed rebuild
 *   DESTROYED, SHUTDOWN, CRASHED (final: no engine domain)
 * </pre>
 * The toolstack acts on it here: pause, shutdown and reboot (a Xen guest is asked through {@code control/shutdown},
 * any other has its power button pressed; destroyed or reset after a timeout, as a guest may not act), create (a stopped domain built again), vCPU pinning, which is kept
 * per vCPU and applied again to the new vCPU threads after every restart, and what only a Xen guest connected to its
 * store can be asked, as xl asks it: sysrq, mem-set (its balloon) and vcpu-set.
 */
public final class Domain {
    private final int id;
    /** The name it was planned with; the store's name wins once it has one (a host tool may rename it). */
    private final String plannedName;
    private final DomainSpec spec;
    private final Engine engine;
    private final ExitPolicies policies;
    private final ConsoleMux mux;
    private final ConsoleHub hub = new ConsoleHub();
    /** Xen's store event channel and page frame for its guest; also the lock of its store entries. */
    private final StoreChannel storeChannel;
    /** Stable for the system's life, across restarts, as a domain's handle is in Xen. */
    private final UUID uuid = randomUuid();
    private final BootFiles bootFiles;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Written under {@link #lock} only; volatile so that readers (list, info) need not take it. */
    private volatile DomainState state = DomainState.BUILDING;
    /** The current engine domain; null while none is (being built, ended). Written under the lock. */
    private volatile DomainHandle handle;
    private volatile ExitReason lastExit;
    private volatile List<Long> vcpuThreads = List.of();
    private volatile Instant started = Instant.now();
    private volatile Instant builtAt = Instant.now();
    private volatile int restarts;
    /** Guarded by {@link #lock}. */
    private boolean destroyRequested;
    private boolean rebootRequested;
    /** An engine build is in flight: its result is looked at when it returns. */
    private boolean building;
    private boolean preserved;
    /** Its system is stopping: nothing of it is built again. */
    private boolean retired;
    /** Per vCPU, the host CPUs it may run on; null: wherever the host scheduler puts it. Guarded by the lock. */
    private final List<BitSet> affinity;
    /** The cpupool it runs in: its vCPUs never leave its CPUs. */
    private final CpuPool pool;

    /** Its Xen guest ABI, null for a plain domain: lives as long as the domain, each new guest attached to it. */
    private final XenDomain xen;
    /** Why the current guest asked Xen to stop (SCHEDOP_shutdown): its engine domain's end is that, not a destroy. */
    private volatile ExitReason guestAsked;

    private volatile SystemStore store;
    private volatile String lastName;
    private volatile Runnable onChange = () -> { };

    Domain(int id, String name, DomainSpec spec, Engine engine, ExitPolicies policies, ConsoleMux mux) {
        this(id, name, spec, engine, policies, mux, Collections.nCopies(spec.vcpus(), null), new StoreChannel(Enhanced.NONE, 0));
    }

    /**
     * {@code affinity}: per vCPU, the host CPUs it is pinned to, or null; {@code storeChannel}: what xen,enhanced
     * gives it.
     */
    Domain(int id, String name, DomainSpec spec, Engine engine, ExitPolicies policies, ConsoleMux mux,
           List<BitSet> affinity, StoreChannel storeChannel) {
        this(id, name, spec, engine, policies, mux, affinity, storeChannel, null);
    }

    /** {@code xen}: the Xen guest ABI its guests see ({@code xen,enhanced} on an engine that gives one), or null. */
    Domain(int id, String name, DomainSpec spec, Engine engine, ExitPolicies policies, ConsoleMux mux,
           List<BitSet> affinity, StoreChannel storeChannel, XenDomain xen) {
        this(id, name, spec, engine, policies, mux, affinity, storeChannel, xen, CpuPool.wholeHost());
    }

    /**
     * {@code pool}: the cpupool it runs in; under its null scheduler {@code affinity} is the CPU each vCPU holds, and
     * is registered with the pool here.
     */
    Domain(int id, String name, DomainSpec spec, Engine engine, ExitPolicies policies, ConsoleMux mux,
           List<BitSet> affinity, StoreChannel storeChannel, XenDomain xen, CpuPool pool) {
        this.pool = pool;
        this.xen = xen;
        this.id = id;
        this.plannedName = name;
        this.lastName = name;
        this.storeChannel = storeChannel;
        this.spec = spec;
        this.engine = engine;
        this.policies = policies;
        this.mux = mux;
        this.affinity = new ArrayList<>(affinity);
        if (pool.config().nullScheduler()) {
            for (int v = 0; v < affinity.size(); v++) {
                BitSet cpu = affinity.get(v);
                if (cpu != null && cpu.cardinality() == 1) {
                    pool.hold(cpu.nextSetBit(0), this, v);
                }
            }
        }
        this.bootFiles = BootFiles.of(spec);
        if (xen != null) {
            // hvc0 outlives each guest (a reboot attaches the new one to the same ring): one reader for the domain's life
            Thread.ofVirtual().name("hvc0-d" + id).start(() -> ConsolePump.run(hub.tee(xen.console().output()),
                    line -> mux.guestLine(id, line), partial -> mux.guestPartial(id, partial)));
        }
    }

    public int id() {
        return id;
    }

    /**
     * Its name as the store has it ({@code /local/domain/N/name}), as {@code xl list} shows the store's name: a
     * host tool's {@code xenstore-write} renames it. Without a store (or entry), the last name it had.
     */
    public String name() {
        SystemStore s = store;
        if (s != null) {
            s.name(id).ifPresent(n -> lastName = n);
        }
        return lastName;
    }

    /** The name of its node in the system's device tree. */
    public String plannedName() {
        return plannedName;
    }

    UUID uuid() {
        return uuid;
    }

    /** When its current guest was built: the store's {@code start_time}. */
    Instant builtAt() {
        return builtAt;
    }

    StoreChannel storeChannel() {
        return storeChannel;
    }

    Engine engine() {
        return engine;
    }

    /** Its Xen guest ABI, or null when its guests see none. */
    XenDomain xen() {
        return xen;
    }

    /** Keeps {@code s} in step with this domain's life from now on. */
    void useStore(SystemStore s) {
        store = s;
    }

    /** Run after every change of state (the system waits for its last live domain with it). */
    void onChange(Runnable r) {
        onChange = r;
    }

    public DomainState state() {
        return state;
    }

    public ExitReason lastExit() {
        return lastExit;
    }

    public DomainSpec spec() {
        return spec;
    }

    /** How long the domain has run since its last (re)start (xl's Time column is CPU time: {@link #info()}). */
    public Duration age() {
        return Duration.between(started, Instant.now());
    }

    /** "d1 domU1", as messages name a domain. */
    @Override
    public String toString() {
        return "d" + id + " " + name();
    }

    ConsoleHub consoleHub() {
        return hub;
    }

    /**
     * Where bytes typed to the domain go: a Xen guest's PV console (hvc0, its console as Xen gives it), else the
     * console of its current engine domain (a new one after a restart). Keys the guest has no room for are lost, as
     * on a serial line.
     */
    OutputStream consoleInput() {
        if (xen != null) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    xen.console().input(b, off, len);
                }
            };
        }
        DomainHandle h = handle;
        return h == null ? OutputStream.nullOutputStream() : h.console().input();
    }

    /**
     * The guest asked Xen to stop ({@code SCHEDOP_shutdown}): its engine domain is ended, and that end is handled as
     * the guest's reason (powered off, rebooted, crashed) with the domain's own policies. Called on a vCPU's
     * thread, so the engine domain is destroyed from another.
     */
    void guestShutdown(ShutdownReason reason) {
        ExitReason exit = switch (reason) {
            case POWEROFF -> new ExitReason.PowerOff();
            case REBOOT, SOFT_RESET -> new ExitReason.Reboot();
            case CRASH -> new ExitReason.Crash("the guest reported a crash to Xen (SCHEDOP_shutdown crash)");
            case WATCHDOG -> new ExitReason.Crash("the guest's Xen watchdog fired");
            case SUSPEND -> null; // no save/restore here: the guest is told nothing and goes on
        };
        DomainHandle h = handle;
        if (exit == null || h == null) {
            return;
        }
        guestAsked = exit;
        event("the guest asked Xen to stop: " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        Thread.ofVirtual().name("xen-shutdown-d" + id).start(h::destroy);
    }

    // ---- building and starting ---------------------------------------------------------------------------------

    /**
     * Builds its first engine domain, stopped, with its console already being read. A domain destroyed before or
     * while it is built ends {@link DomainState#DESTROYED} and this returns quietly: its system is stopping.
     *
     * @throws EngineException when the engine cannot build it (it is then {@link DomainState#CRASHED})
     */
    void build() throws EngineException {
        lock.lock();
        try {
            if (destroyRequested || state != DomainState.BUILDING) {
                return;
            }
            building = true;
        } finally {
            lock.unlock();
        }
        adopt(buildEngineDomain());
    }

    /**
     * The engine's build of a new engine domain (the caller set {@link #building}); a failure ends the domain (crashed,
     * or destroyed if that was asked meanwhile) with the engine's reason, and is thrown on.
     */
    private DomainHandle buildEngineDomain() throws EngineException {
        try {
            return engine.build(spec);
        } catch (EngineException | RuntimeException e) {
            lock.lock();
            try {
                building = false;
                lastExit = new ExitReason.Error(String.valueOf(e.getMessage()));
                finish(destroyRequested ? DomainState.DESTROYED : DomainState.CRASHED);
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /**
     * Takes {@code h}, just built, as the current engine domain, unless a destroy came meanwhile. Its end is watched
     * from now on (even before it starts: a QEMU can die while stopped), its console is read, its vCPUs pinned.
     */
    private boolean adopt(DomainHandle h) {
        lock.lock();
        try {
            building = false;
            if (destroyRequested) {
                lastExit = new ExitReason.Destroyed();
                event("destroyed");
                finish(DomainState.DESTROYED);
                h.destroy();
                return false;
            }
            handle = h;
            guestAsked = null;
        } finally {
            lock.unlock();
        }
        h.exited().thenAccept(reason -> Thread.ofVirtual().name("exit-d" + id).start(() -> exited(h, reason)));
        Thread.ofVirtual().name("console-d" + id).start(() -> ConsolePump.run(hub.tee(h.console().output()),
                line -> mux.guestLine(id, line), partial -> mux.guestPartial(id, partial)));
        // the threads exist while the machine is still stopped: pinned before the first guest instruction, and
        // read here, where the domains of a system are built in parallel, rather than one by one at start
        List<Long> threads;
        try {
            threads = h.vcpuThreadIds();
        } catch (EngineException e) {
            threads = List.of();
            event("cannot read its vCPU threads, so they are not pinned and vcpu-list cannot show them: " + e.getMessage());
        }
        lock.lock();
        try {
            if (handle == h) {
                vcpuThreads = threads;
                applyAffinity();
                builtAt = Instant.now();
                SystemStore s = store;
                if (s != null) {
                    s.built(this);
                }
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * Lets its current engine domain run (its vCPUs were pinned at build). A domain destroyed meanwhile is left
     * alone.
     *
     * @throws EngineException when it cannot start, or ended before it could (its engine domain is then destroyed)
     */
    void start() throws EngineException {
        DomainHandle h;
        lock.lock();
        try {
            if (destroyRequested) {
                return;
            }
            h = handle;
            if (h == null || (state != DomainState.BUILDING && state != DomainState.RESTARTING)) {
                ExitReason why = lastExit;
                throw new EngineException("%s ended before it could start (%s)".formatted(this,
                        why == null ? describeState() : describe(why)));
            }
            // RUNNING before the guest's first instruction: an exit at once then finds it running, and its
            // final state is not overwritten by this start
            started = Instant.now();
            setState(DomainState.RUNNING);
        } finally {
            lock.unlock();
        }
        try {
            h.start();
        } catch (EngineException | RuntimeException e) {
            h.destroy();
            throw e;
        }
        lock.lock();
        try {
            SystemStore s = store;
            if (s != null && handle == h && !state.isFinal()) {
                s.started(this);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- the toolstack's actions -------------------------------------------------------------------------------

    /**
     * Stops it for good, whatever its policies say; returns at once (see {@link #awaitFinal}). False when it had
     * already ended.
     */
    public boolean destroy() {
        DomainHandle h;
        lock.lock();
        try {
            if (state.isFinal()) {
                return false;
            }
            destroyRequested = true;
            h = handle;
            if (h == null && !building) {
                // nothing of it runs, and nothing is being built: it ends here (an exit or a build would otherwise)
                lastExit = new ExitReason.Destroyed();
                event("destroyed");
                finish(DomainState.DESTROYED);
                return true;
            }
        } finally {
            lock.unlock();
        }
        if (h != null) {
            h.destroy();
        }
        return true;
    }

    /** Its system is stopping: destroyed, and never built again (a {@link #create} racing the stop is refused). */
    void retire() {
        lock.lock();
        try {
            retired = true;
        } finally {
            lock.unlock();
        }
        destroy();
    }

    /** Stops its vCPUs; its memory and console stay. */
    public void pause() throws EngineException, ControlException {
        lock.lock();
        try {
            if (state != DomainState.RUNNING) {
                throw new ControlException(this + " is " + describeState() + ": only a running domain can be paused");
            }
            handle.pause();
            setState(DomainState.PAUSED);
        } finally {
            lock.unlock();
        }
        event("paused");
    }

    public void unpause() throws EngineException, ControlException {
        lock.lock();
        try {
            if (state != DomainState.PAUSED) {
                throw new ControlException(this + " is " + describeState() + ", not paused");
            }
            handle.start();
            setState(DomainState.RUNNING);
        } finally {
            lock.unlock();
        }
        event("unpaused");
    }

    /**
     * Presses its power button and returns; a guest that has not powered off after {@code timeout} is destroyed
     * (a busybox init, for one, ignores the button). Its on_poweroff policy applies to a guest that does.
     * Returns the engine domain asked, for {@link #awaitAfter}.
     */
    public DomainHandle shutdown(Duration timeout) throws EngineException, ControlException {
        DomainHandle h = live("shut down");
        if (askGuest("poweroff")) {
            event("shutdown: control/shutdown = poweroff (destroyed if still running in %d s)".formatted(timeout.toSeconds()));
        } else {
            event("shutdown: power button pressed (destroyed if still running in %d s)".formatted(timeout.toSeconds()));
            h.powerButton();
        }
        watchdog(h, timeout, () -> {
            event("did not power off within %d s: destroying".formatted(timeout.toSeconds()));
            destroy();
        });
        return h;
    }

    /**
     * Reboots it as a new engine domain built from the modules kept at boot, same id and name: the power button
     * first, and after {@code timeout} (at once when {@code force}, or when it is paused and so cannot answer the
     * button) the old engine domain is destroyed. Whatever the guest does on the button (power off, reboot,
     * nothing), the domain comes back.
     */
    public DomainHandle reboot(Duration timeout, boolean force) throws EngineException, ControlException {
        DomainHandle h;
        boolean paused;
        lock.lock();
        try {
            h = live("rebooted");
            paused = state == DomainState.PAUSED;
            rebootRequested = true;
        } finally {
            lock.unlock();
        }
        if (force || paused) {
            event(paused ? "reboot: paused, so it cannot answer the power button: resetting" : "reboot: resetting");
            Thread.ofVirtual().name("reboot-d" + id).start(h::destroy);
            return h;
        }
        if (askGuest("reboot")) {
            event("reboot: control/shutdown = reboot (reset if still running in %d s)".formatted(timeout.toSeconds()));
        } else {
            event("reboot: power button pressed (reset if still running in %d s)".formatted(timeout.toSeconds()));
            h.powerButton();
        }
        watchdog(h, timeout, () -> {
            event("did not shut down within %d s: resetting".formatted(timeout.toSeconds()));
            h.destroy();
        });
        return h;
    }

    /**
     * A Xen guest connected to its store is asked as xl asks it ({@code control/shutdown}), and its kernel powers off
     * or reboots itself cleanly; false for any other guest (its power button is pressed instead).
     */
    private boolean askGuest(String action) {
        SystemStore s = store;
        return s != null && s.askGuest(this, action);
    }

    // ---- what a Xen guest is asked through its store, as xl asks it ----------------------------------------------

    /** xl's sysrq: {@code control/sysrq}; the guest's kernel clears it and performs the request. */
    public void sysrq(char key) throws ControlException {
        guestStore("sent a sysrq", "control/sysrq").writeHome(this, "control/sysrq", String.valueOf(key));
        event("sysrq: control/sysrq = " + key);
    }

    /**
     * xl's mem-set: {@code memory/target} (KiB), with the maximum reservation set just above it, as xl enforces it
     * ({@code xc_domain_setmaxmem}, target + {@link #MAXMEM_SLACK_KIB}); xl also records it in MiB under
     * {@code /vm/<uuid>/memory}. The guest's balloon driver then gives pages back (each punched out of the shared RAM,
     * so the host really gets it) or takes them again, up to the memory the domain was built with.
     */
    public void memSet(long targetKib) throws ControlException {
        SystemStore s = guestStore("given a memory target", "memory/target");
        long staticMax = spec.memoryBytes() / 1024;
        if (targetKib > staticMax) {
            throw new ControlException(("%s: cannot set its memory target to %d KiB: memory_dynamic_max must be less than or "
                    + "equal to memory_static_max (%d KiB, the memory it was built with)").formatted(this, targetKib, staticMax));
        }
        xen.maxMemoryKib(targetKib + MAXMEM_SLACK_KIB);
        s.writeHome(this, "memory/target", Long.toString(targetKib));
        s.write(this, "/vm/" + uuid + "/memory", Long.toString(targetKib / 1024));
        event("mem-set: memory/target = %d KiB (%d MiB of %d)".formatted(targetKib, targetKib / 1024, staticMax / 1024));
    }

    /**
     * xl's vcpu-set: {@code cpu/N/availability} online for vCPUs below {@code count}, offline for the rest, every one
     * written as xl writes them. The guest's kernel takes a vCPU marked offline down (PSCI CPU_OFF) and marks one
     * marked online present; bringing that one up is its userspace's (a udev rule's) part.
     */
    public void vcpuSet(int count) throws ControlException {
        SystemStore s = guestStore("given a vCPU count", "cpu/N/availability");
        if (count < 1 || count > spec.vcpus()) {
            throw new ControlException("%s: requested %d vCPUs, however it has %d (cpus in its node%s)".formatted(this, count,
                    spec.vcpus(), count < 1 ? "; vCPU 0 stays online" : ""));
        }
        for (int v = 0; v < spec.vcpus(); v++) {
            s.writeHome(this, "cpu/" + v + "/availability", v < count ? "online" : "offline");
        }
        event("vcpu-set: %d of its %d vCPUs online (cpu/N/availability)".formatted(count, spec.vcpus()));
    }

    /** xl's {@code LIBXL_MAXMEM_CONSTANT}: what the maximum reservation keeps above a mem-set target. */
    static final long MAXMEM_SLACK_KIB = 1024;

    /**
     * The store through which this domain's guest is asked to do {@code what} (by writing {@code node}), or why it
     * cannot be: only a running Xen guest whose kernel talks on its store ring reads what is written there.
     */
    private SystemStore guestStore(String what, String node) throws ControlException {
        live(what);
        if (xen == null) {
            String why = storeChannel.enhanced() == Enhanced.NONE
                    ? "no xen,enhanced in its node, so its kernel sees no Xen"
                    : "the %s engine gives its guest no Xen ABI".formatted(engine.name());
            throw new ControlException("%s is not a Xen guest (%s): it cannot be %s, which goes through xenstore's %s"
                    .formatted(this, why, what, node));
        }
        SystemStore s = store;
        if (!storeChannel.hasStore() || s == null) {
            throw new ControlException("%s has no xenstore (%s): it cannot be %s, which goes through xenstore's %s".formatted(
                    this, s == null ? "its system runs no xenstored" : "xen,enhanced = \"no-xenstore\"", what, node));
        }
        if (!xen.storeTalking()) {
            throw new ControlException(storeChannel.hasPage()
                    ? "%s has not connected to xenstore yet: init-dom0less gave it its page, but its kernel's xenbus is not up"
                            .formatted(this)
                    : "%s has not connected to xenstore: run domus init-dom0less".formatted(this));
        }
        return s;
    }

    /**
     * {@code xl create} for a domain that has stopped (destroyed, powered off, crashed): built again from the modules
     * kept at boot, checked to be unchanged, with the same id, name and uuid, and started. Returns once it runs.
     */
    public void create() throws ControlException {
        lock.lock();
        try {
            if (retired) {
                throw new ControlException(this + ": its system is stopping");
            }
            if (!state.isFinal()) {
                throw new ControlException("%s is %s: only a stopped domain can be created again".formatted(this, describeState()));
            }
            try {
                bootFiles.check();
            } catch (IOException e) {
                throw new ControlException(this + ": " + e.getMessage(), e);
            }
            SystemStore s = store;
            if (preserved && s != null) {
                s.restarting(this); // a preserved domain kept its entries: they are written anew at build
            }
            destroyRequested = false;
            rebootRequested = false;
            preserved = false;
            hub.reopen();
            setState(DomainState.BUILDING);
        } finally {
            lock.unlock();
        }
        event("create: building it again from the modules kept at boot");
        String failed = rebuild(false);
        if (failed != null) {
            throw new ControlException("%s: cannot create it: %s".formatted(this, failed));
        }
    }

    /**
     * Waits until engine domain {@code old} is gone and the domain has settled: running on a new engine domain, or
     * ended for good. False when {@code max} passed first.
     */
    public boolean awaitAfter(DomainHandle old, Duration max) throws InterruptedException {
        return await(max.toNanos(), () -> state.isFinal()
                || (handle != old && (state == DomainState.RUNNING || state == DomainState.PAUSED)));
    }

    /** Waits until the domain has ended (destroyed, shut down or crashed); false when {@code timeout} passed first. */
    public boolean awaitFinal(long timeout, TimeUnit unit) throws InterruptedException {
        return await(unit.toNanos(timeout), () -> state.isFinal());
    }

    private boolean await(long nanos, BooleanSupplier settled) throws InterruptedException {
        lock.lock();
        try {
            while (!settled.getAsBoolean()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pins vCPU {@code vcpu} (-1: every vCPU) to {@code cpus}, now if it runs and again after each restart. An
     * unpinned vCPU is given {@code cpus} = every host CPU. As in Xen, a vCPU runs only on the CPUs of its cpupool that
     * {@code cpus} names: none is refused (xl's "Setting vcpu affinity: Invalid argument"), and under the pool's null
     * scheduler the vCPU keeps the CPU it holds if still named, else takes the first named CPU no vCPU holds.
     */
    public void pin(int vcpu, BitSet cpus) throws ControlException {
        if (vcpu < -1 || vcpu >= spec.vcpus()) {
            throw new ControlException("%s has no vCPU %d (it has %s)".formatted(this, vcpu,
                    spec.vcpus() == 1 ? "vCPU 0" : "vCPUs 0-" + (spec.vcpus() - 1)));
        }
        String which = vcpu == -1 ? "all" : Integer.toString(vcpu);
        BitSet allowed = (BitSet) cpus.clone();
        allowed.and(pool.config().cpus());
        if (allowed.isEmpty()) {
            throw new ControlException(("%s: cannot pin vCPU %s to CPUs %s: it runs in cpupool %s, and a vCPU runs only "
                    + "on its pool's CPUs (xl: \"Setting vcpu affinity: Invalid argument\")").formatted(this, which,
                    CpuSet.format(cpus, Hypervisor.hostCpus()), pool));
        }
        List<Integer> targets = new ArrayList<>();
        for (int v = 0; v < spec.vcpus(); v++) {
            if (vcpu == -1 || v == vcpu) {
                targets.add(v);
            }
        }
        Map<Integer, BitSet> placed = new HashMap<>();
        lock.lock();
        try {
            if (pool.config().nullScheduler()) {
                pool.move(this, targets, allowed).forEach((v, cpu) -> {
                    BitSet one = new BitSet();
                    one.set(cpu);
                    placed.put(v, one);
                });
            } else {
                targets.forEach(v -> placed.put(v, allowed));
            }
            List<Long> threads = vcpuThreads;
            for (int v : targets) {
                BitSet now = placed.get(v);
                affinity.set(v, (BitSet) now.clone());
                if (!state.isFinal() && v < threads.size()) {
                    try {
                        CpuAffinity.set(threads.get(v), now);
                    } catch (AffinityException e) {
                        throw new ControlException("%s: cannot pin vCPU %d: %s".formatted(this, v, e.getMessage()));
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        BitSet host = Hypervisor.hostCpus();
        if (pool.config().nullScheduler()) {
            List<String> each = new ArrayList<>();
            targets.forEach(v -> each.add("vCPU %d on CPU %s".formatted(v, CpuSet.format(placed.get(v), host))));
            event("vCPU %s pinned to CPUs %s, each on a CPU of its own (%s's null scheduler): %s".formatted(which,
                    CpuSet.format(cpus, host), pool.config().name(), String.join(", ", each)));
        } else {
            event("vCPU %s pinned to CPUs %s".formatted(which, CpuSet.format(allowed, host)));
        }
    }

    /** The cpupool it runs in. */
    public CpuPool pool() {
        return pool;
    }

    // ---- what the toolstack shows ------------------------------------------------------------------------------

    /** Its vCPUs: thread, last CPU, state, time, affinity (as the kernel has it, when running). */
    public List<VcpuInfo> vcpus() {
        List<Long> threads = running() ? vcpuThreads : List.of();
        List<VcpuInfo> out = new ArrayList<>();
        for (int v = 0; v < spec.vcpus(); v++) {
            long tid = v < threads.size() ? threads.get(v) : -1;
            Optional<ThreadStat> stat = tid < 0 ? Optional.empty() : ThreadStat.read(tid);
            String letters = stat.isEmpty() ? "-" : state == DomainState.PAUSED ? "p" : stat.get().state() == 'R' ? "r" : "b";
            out.add(new VcpuInfo(name(), id, v, stat.isEmpty() ? -1 : tid, stat.map(ThreadStat::cpu).orElse(-1), letters,
                    stat.map(ThreadStat::seconds).orElse(0.0), affinityText(v, stat.isPresent() ? tid : -1)));
        }
        return out;
    }

    /** What {@code domus list} and {@code domus info} show. */
    public DomainInfo info() {
        List<VcpuInfo> vcpus = vcpus();
        double cpu = vcpus.stream().mapToDouble(VcpuInfo::seconds).sum();
        boolean anyRunning = vcpus.stream().anyMatch(v -> v.state().equals("r"));
        DomainState now = state;
        String flags = switch (now) {
            case RUNNING -> anyRunning ? "r-----" : "-b----";
            case PAUSED -> "--p---";
            case SHUTDOWN -> "---s--";
            case CRASHED -> "----c-";
            case RESTARTING -> "-----d";
            case BUILDING, DESTROYED -> "------";
        };
        ExitReason exit = lastExit;
        // a Xen guest's memory is what it holds now, after its balloon (xl list's Mem: the domain's current pages)
        long kib = xen != null && running() ? xen.currentPages() * (XenLayout.PAGE / 1024) : spec.memoryBytes() / 1024;
        return new DomainInfo(id, name(), now.name().toLowerCase(Locale.ROOT), flags, kib,
                spec.vcpus(), cpu, running() ? age().toMillis() / 1000.0 : 0, restarts, exit == null ? "" : describe(exit),
                engine.name(), String.valueOf(spec.kernel()), spec.initrd() == null ? "" : spec.initrd().toString(),
                spec.cmdline(), String.valueOf(spec.workDir()), vcpus.stream().map(VcpuInfo::affinity).toList());
    }

    /** Where its console log is. */
    public Path consoleLog() {
        return spec.workDir().resolve("console.log");
    }

    /** Whether its last exit was a crash (or an engine failure): a system with one ends with status 1. */
    public boolean crashed() {
        return lastExit instanceof ExitReason.Crash || lastExit instanceof ExitReason.Error;
    }

    // ---- exits -------------------------------------------------------------------------------------------------

    /**
     * Engine domain {@code h} has ended for {@code reason}. Only the current engine domain's end counts; what follows
     * is decided here, under the lock, once: destroyed (asked for, or the policy), preserved, or rebuilt.
     */
    private void exited(DomainHandle h, ExitReason reason) {
        String rebuildWhy = null;
        lock.lock();
        try {
            if (h != handle) {
                return; // an engine domain already let go of (its successor runs, or the domain ended)
            }
            handle = null;
            vcpuThreads = List.of();
            ExitReason asked = guestAsked;
            if (reason instanceof ExitReason.Destroyed && asked != null) {
                reason = asked; // destroyed because the guest asked Xen to stop: its reason is what counts
            }
            lastExit = reason;
            if (destroyRequested) {
                event("destroyed");
                finish(DomainState.DESTROYED);
            } else if (state == DomainState.BUILDING || state == DomainState.RESTARTING) {
                event("ended before it started: " + describe(reason));
                finish(DomainState.CRASHED);
            } else if (rebootRequested) {
                rebootRequested = false;
                rebuildWhy = "reboot requested";
            } else {
                rebuildWhy = applyPolicy(reason);
            }
            if (rebuildWhy != null) {
                setState(DomainState.RESTARTING);
                SystemStore s = store;
                if (s != null) {
                    s.restarting(this);
                }
            }
        } finally {
            lock.unlock();
        }
        h.destroy(); // whatever ended it, nothing of the engine domain may linger
        if (rebuildWhy != null) {
            event(rebuildWhy + ", restarting");
            String failed = rebuild(true);
            if (failed != null) {
                event("restart failed: " + failed);
            }
        }
    }

    /** The policy for {@code reason}, applied under the lock; the reason to rebuild, or null when it ended. */
    private String applyPolicy(ExitReason reason) {
        ExitPolicy policy;
        DomainState preservedAs;
        switch (reason) {
            case ExitReason.PowerOff p -> {
                policy = policies.onPoweroff();
                preservedAs = DomainState.SHUTDOWN;
            }
            case ExitReason.Reboot r -> {
                policy = policies.onReboot();
                preservedAs = DomainState.SHUTDOWN;
            }
            case ExitReason.Crash c -> {
                policy = policies.onCrash();
                preservedAs = DomainState.CRASHED;
            }
            case ExitReason.Error e -> {
                policy = policies.onCrash();
                preservedAs = DomainState.CRASHED;
            }
            case ExitReason.Destroyed d -> {
                // destroyed from outside Domus (its QEMU killed): nothing to restart
                event("destroyed by the engine");
                finish(DomainState.DESTROYED);
                return null;
            }
        }
        if (policy == ExitPolicy.RESTART) {
            return describe(reason);
        }
        event("%s (%s)".formatted(describe(reason), policy));
        preserved = policy == ExitPolicy.PRESERVE;
        finish(preserved ? preservedAs : DomainState.DESTROYED);
        return null;
    }

    /**
     * A new engine domain from the same spec (the same module files, checked unchanged), same id and name, started
     * at once; the domain is RESTARTING ({@code restart}: counted) or BUILDING. Null when it runs, else why not (it
     * has then ended).
     */
    private String rebuild(boolean restart) {
        lock.lock();
        try {
            if (destroyRequested || state.isFinal()) {
                return destroyRequested ? "destroyed meanwhile" : describeState();
            }
            try {
                bootFiles.check();
            } catch (IOException e) {
                lastExit = new ExitReason.Error(e.getMessage());
                finish(DomainState.CRASHED);
                return e.getMessage();
            }
            building = true;
        } finally {
            lock.unlock();
        }
        DomainHandle h;
        try {
            h = buildEngineDomain();
        } catch (EngineException | RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
        if (!adopt(h)) {
            return "destroyed meanwhile";
        }
        if (restart) {
            restarts++; // before it runs: whoever sees it running again sees it counted
        }
        try {
            start();
        } catch (EngineException e) {
            return e.getMessage();
        }
        return state == DomainState.RUNNING ? null : describeState();
    }

    /**
     * The domain has no engine domain any more and none is coming: its final state (the first one sticks), its
     * store entries released (kept when preserved), its console viewers let go. Under the lock.
     */
    private void finish(DomainState end) {
        if (state.isFinal()) {
            return;
        }
        vcpuThreads = List.of();
        setState(end);
        hub.end(this + " has ended (" + describeState() + ")");
        SystemStore s = store;
        if (s != null) {
            s.ended(this, preserved);
        }
    }

    /** Under the lock. */
    private void setState(DomainState to) {
        state = to;
        changed.signalAll();
        onChange.run();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private boolean running() {
        DomainState s = state;
        return s == DomainState.RUNNING || s == DomainState.PAUSED;
    }

    private String affinityText(int vcpu, long tid) {
        BitSet host = Hypervisor.hostCpus();
        if (tid >= 0) {
            try {
                return CpuSet.format(CpuAffinity.get(tid), host);
            } catch (AffinityException e) {
                // the thread went between reading its stat and its mask: fall back to what was asked
            }
        }
        BitSet asked;
        lock.lock();
        try {
            asked = affinity.get(vcpu);
        } finally {
            lock.unlock();
        }
        return asked == null ? "all" : CpuSet.format(asked, host);
    }

    /** The current engine domain of a running or paused domain. */
    private DomainHandle live(String what) throws ControlException {
        DomainHandle h = handle;
        if (!running() || h == null) {
            throw new ControlException("%s is %s: it cannot be %s".formatted(this, describeState(), what));
        }
        return h;
    }

    private String describeState() {
        return switch (state) {
            case BUILDING -> "still being built";
            case RUNNING -> "running";
            case PAUSED -> "paused";
            case SHUTDOWN -> "shut down";
            case CRASHED -> "crashed";
            case RESTARTING -> "restarting";
            case DESTROYED -> "destroyed";
        };
    }

    /** Runs {@code fallback} when {@code h} is still the running engine domain after {@code timeout}. */
    private void watchdog(DomainHandle h, Duration timeout, Runnable fallback) {
        Thread.ofVirtual().name("watchdog-d" + id).start(() -> {
            try {
                h.exited().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                boolean still;
                lock.lock();
                try {
                    still = handle == h && !destroyRequested;
                } finally {
                    lock.unlock();
                }
                if (still) {
                    fallback.run();
                }
            } catch (ExecutionException | InterruptedException e) {
                // the domain went another way
            }
        });
    }

    /** Pins each vCPU thread that has an affinity; a failure is reported and the domain runs unpinned. Under the lock. */
    private void applyAffinity() {
        List<Long> threads = vcpuThreads;
        for (int v = 0; v < affinity.size() && v < threads.size(); v++) {
            BitSet cpus = affinity.get(v);
            if (cpus != null) {
                try {
                    CpuAffinity.set(threads.get(v), cpus);
                } catch (AffinityException e) {
                    event("cannot pin vCPU %d to CPUs %s: %s".formatted(v, CpuSet.format(cpus, Hypervisor.hostCpus()), e.getMessage()));
                }
            }
        }
    }

    void event(String text) {
        mux.event(this + ": " + text);
        hub.note(this + ": " + text);
    }

    private static String describe(ExitReason reason) {
        return switch (reason) {
            case ExitReason.PowerOff p -> "powered off";
            case ExitReason.Reboot r -> "rebooted";
            case ExitReason.Crash c -> "crashed: " + c.detail();
            case ExitReason.Destroyed d -> "destroyed";
            case ExitReason.Error e -> "failed: " + e.detail();
        };
    }

    /**
     * A random (version 4) UUID without SecureRandom, whose provider set-up costs start-up time and memory for
     * what is an identifier, not a secret.
     */
    private static UUID randomUuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xf000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xc000000000000000L)) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
