package org.domus.hypervisor;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.domus.dom0less.Enhanced;
import org.domus.engine.DomainHandle;
import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;
import org.domus.hypervisor.CpuAffinity.AffinityException;

/**
 * One domain of a running system: its id for life, its name (the store's, see {@link #name()}), the engine
 * handle behind it (a new one after each restart), and its state. Its exits are handled by its own policies; nothing here touches another
 * domain, so one domain rebooting or crashing never stops the others.
 * <p>
 * The toolstack acts on it here: pause, shutdown and reboot (the power button first, then destroy or reset after a
 * timeout, as a guest may ignore the button), and vCPU pinning, which is kept per vCPU and applied again to the
 * new vCPU threads after every restart.
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
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Per vCPU, the host CPUs it may run on; null: wherever the host scheduler puts it. Guarded by this. */
    private final List<BitSet> affinity;

    private volatile DomainState state = DomainState.BUILDING;
    private volatile DomainHandle handle;
    private volatile ExitReason lastExit;
    private volatile boolean destroying;
    private volatile boolean rebootRequested;
    private volatile List<Long> vcpuThreads = List.of();
    private volatile Instant started = Instant.now();
    private volatile int restarts;
    /** Xen's store event channel and page frame for its guest; also the lock of its store entries. */
    private final StoreChannel storeChannel;
    /** Stable for the system's life, across restarts, as a domain's handle is in Xen. */
    private final UUID uuid = randomUuid();
    private volatile Instant builtAt = Instant.now();
    private volatile SystemStore store;
    private volatile String lastName;
    private volatile boolean preserved;

    Domain(int id, String name, DomainSpec spec, Engine engine, ExitPolicies policies, ConsoleMux mux) {
        this(id, name, spec, engine, policies, mux, Collections.nCopies(spec.vcpus(), null), new StoreChannel(Enhanced.NONE, 0));
    }

    /**
     * {@code affinity}: per vCPU, the host CPUs it is pinned to, or null; {@code storeChannel}: what xen,enhanced
     * gives it.
     */
    Domain(int id, String name, DomainSpec spec, Engine engine, ExitPolicies policies, ConsoleMux mux,
           List<BitSet> affinity, StoreChannel storeChannel) {
        this.id = id;
        this.plannedName = name;
        this.lastName = name;
        this.storeChannel = storeChannel;
        this.spec = spec;
        this.engine = engine;
        this.policies = policies;
        this.mux = mux;
        this.affinity = new ArrayList<>(affinity);
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

    /** Keeps {@code s} in step with this domain's life from now on. */
    void useStore(SystemStore s) {
        store = s;
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

    /** Builds the engine domain, stopped, with its console already being read. */
    void build() throws EngineException {
        DomainHandle h = engine.build(spec);
        handle = h;
        Thread.ofVirtual().name("console-d" + id).start(() -> ConsolePump.run(hub.tee(h.console().output()),
                line -> mux.guestLine(id, line), partial -> mux.guestPartial(id, partial)));
        // the threads exist while the machine is still stopped: pinned before the first guest instruction, and
        // read here, where the domains of a system are built in parallel, rather than one by one at start
        try {
            vcpuThreads = h.vcpuThreadIds();
            applyAffinity();
        } catch (EngineException e) {
            vcpuThreads = List.of();
            event("cannot read its vCPU threads, so they are not pinned and vcpu-list cannot show them: " + e.getMessage());
        }
        builtAt = Instant.now();
        SystemStore s = store;
        if (s != null) {
            s.built(this);
        }
    }

    /** Where bytes typed to the domain go: the console of its current engine domain (a new one after a restart). */
    OutputStream consoleInput() {
        DomainHandle h = handle;
        return h == null ? OutputStream.nullOutputStream() : h.console().input();
    }

    /** Lets it run (its vCPUs were pinned at build), and from now on handles its exits. */
    void start() throws EngineException {
        DomainHandle h = handle;
        h.exited().thenAccept(reason -> Thread.ofVirtual().name("exit-d" + id).start(() -> exited(h, reason)));
        h.start();
        started = Instant.now();
        state = DomainState.RUNNING;
        SystemStore s = store;
        if (s != null) {
            s.started(this);
        }
    }

    /** Stops it for good, whatever its policies say. */
    public void destroy() {
        destroying = true;
        DomainHandle h = handle;
        if (h != null) {
            h.destroy();
        }
        if (h == null) {
            finish(DomainState.DESTROYED);
        }
    }

    /** Stops its vCPUs; its memory and console stay. */
    public synchronized void pause() throws EngineException, ControlException {
        if (state != DomainState.RUNNING) {
            throw new ControlException(this + " is " + describeState() + ": only a running domain can be paused");
        }
        handle.pause();
        state = DomainState.PAUSED;
        event("paused");
    }

    public synchronized void unpause() throws EngineException, ControlException {
        if (state != DomainState.PAUSED) {
            throw new ControlException(this + " is " + describeState() + ", not paused");
        }
        handle.start();
        state = DomainState.RUNNING;
        event("unpaused");
    }

    /**
     * Presses its power button and returns; a guest that has not powered off after {@code timeout} is destroyed
     * (a busybox init, for one, ignores the button). Its on_poweroff policy applies to a guest that does.
     * Returns the engine domain asked, for {@link #awaitAfter}.
     */
    public DomainHandle shutdown(Duration timeout) throws EngineException, ControlException {
        DomainHandle h = live("shut down");
        event("shutdown: power button pressed (destroyed if still running in %d s)".formatted(timeout.toSeconds()));
        h.powerButton();
        watchdog(h, timeout, () -> {
            event("did not power off within %d s: destroying".formatted(timeout.toSeconds()));
            destroy();
        });
        return h;
    }

    /**
     * Reboots it as a new engine domain built from the modules kept at boot, same id and name: the power button
     * first, and after {@code timeout} (at once when {@code force}) the old engine domain is destroyed. Whatever
     * the guest does on the button (power off, reboot, nothing), the domain comes back.
     */
    public DomainHandle reboot(Duration timeout, boolean force) throws EngineException, ControlException {
        DomainHandle h = live("rebooted");
        rebootRequested = true;
        if (force) {
            event("reboot: resetting");
            Thread.ofVirtual().name("reboot-d" + id).start(h::destroy);
            return h;
        }
        event("reboot: power button pressed (reset if still running in %d s)".formatted(timeout.toSeconds()));
        h.powerButton();
        watchdog(h, timeout, () -> {
            event("did not shut down within %d s: resetting".formatted(timeout.toSeconds()));
            h.destroy();
        });
        return h;
    }

    /**
     * Waits until engine domain {@code old} is gone and the domain has settled: running on a new engine domain, or
     * ended for good. False when {@code max} passed first.
     */
    public boolean awaitAfter(DomainHandle old, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            DomainState s = state;
            if (s.isFinal() || (handle != old && (s == DomainState.RUNNING || s == DomainState.PAUSED))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Pins vCPU {@code vcpu} (-1: every vCPU) to {@code cpus}, now if it runs and again after each restart. An
     * unpinned vCPU is given {@code cpus} = every host CPU.
     */
    public void pin(int vcpu, BitSet cpus) throws ControlException {
        if (vcpu < -1 || vcpu >= spec.vcpus()) {
            throw new ControlException("%s has no vCPU %d (it has %s)".formatted(this, vcpu,
                    spec.vcpus() == 1 ? "vCPU 0" : "vCPUs 0-" + (spec.vcpus() - 1)));
        }
        List<Long> threads = vcpuThreads;
        synchronized (this) {
            for (int v = 0; v < spec.vcpus(); v++) {
                if (vcpu != -1 && v != vcpu) {
                    continue;
                }
                affinity.set(v, (BitSet) cpus.clone());
                if (!state.isFinal() && v < threads.size()) {
                    try {
                        CpuAffinity.set(threads.get(v), cpus);
                    } catch (AffinityException e) {
                        throw new ControlException("%s: cannot pin vCPU %d: %s".formatted(this, v, e.getMessage()));
                    }
                }
            }
        }
        event("vCPU %s pinned to CPUs %s".formatted(vcpu == -1 ? "all" : Integer.toString(vcpu),
                CpuSet.format(cpus, Hypervisor.hostCpus())));
    }

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
        String flags = switch (state) {
            case RUNNING -> anyRunning ? "r-----" : "-b----";
            case PAUSED -> "--p---";
            case SHUTDOWN -> "---s--";
            case CRASHED -> "----c-";
            case RESTARTING, DESTROYED -> "-----d";
            case BUILDING -> "------";
        };
        ExitReason exit = lastExit;
        return new DomainInfo(id, name(), state.name().toLowerCase(Locale.ROOT), flags, spec.memoryBytes() / 1024,
                spec.vcpus(), cpu, running() ? age().toMillis() / 1000.0 : 0, restarts, exit == null ? "" : describe(exit),
                engine.name(), String.valueOf(spec.kernel()), spec.initrd() == null ? "" : spec.initrd().toString(),
                spec.cmdline(), String.valueOf(spec.workDir()), vcpus.stream().map(VcpuInfo::affinity).toList());
    }

    /** Where its console log is. */
    public Path consoleLog() {
        return spec.workDir().resolve("console.log");
    }

    /** Waits until the domain is shut down, crashed or destroyed for good. */
    public boolean awaitFinal(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    private boolean running() {
        return state == DomainState.RUNNING || state == DomainState.PAUSED;
    }

    private synchronized String affinityText(int vcpu, long tid) {
        BitSet host = Hypervisor.hostCpus();
        if (tid >= 0) {
            try {
                return CpuSet.format(CpuAffinity.get(tid), host);
            } catch (AffinityException e) {
                // the thread went between reading its stat and its mask: fall back to what was asked
            }
        }
        BitSet asked = affinity.get(vcpu);
        return asked == null ? "all" : CpuSet.format(asked, host);
    }

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

    /** Runs {@code fallback} when {@code h} is still running after {@code timeout}. */
    private void watchdog(DomainHandle h, Duration timeout, Runnable fallback) {
        Thread.ofVirtual().name("watchdog-d" + id).start(() -> {
            try {
                h.exited().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (handle == h && !destroying) {
                    fallback.run();
                }
            } catch (ExecutionException | InterruptedException e) {
                // the domain went another way
            }
        });
    }

    /** Pins each vCPU thread that has an affinity; a failure is reported and the domain runs unpinned. */
    private synchronized void applyAffinity() {
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

    private void exited(DomainHandle h, ExitReason reason) {
        lastExit = reason;
        if (!destroying && rebootRequested) {
            rebootRequested = false;
            restart("reboot requested");
            return;
        }
        if (destroying || reason instanceof ExitReason.Destroyed) {
            event("destroyed");
            finish(DomainState.DESTROYED);
            return;
        }
        ExitPolicy policy;
        DomainState after;
        switch (reason) {
            case ExitReason.PowerOff p -> {
                policy = policies.onPoweroff();
                after = DomainState.SHUTDOWN;
            }
            case ExitReason.Reboot r -> {
                policy = policies.onReboot();
                after = DomainState.SHUTDOWN;
            }
            case ExitReason.Crash c -> {
                policy = policies.onCrash();
                after = DomainState.CRASHED;
            }
            case ExitReason.Error e -> {
                policy = policies.onCrash();
                after = DomainState.CRASHED;
            }
            case ExitReason.Destroyed d -> throw new AssertionError("handled above");
        }
        h.destroy();
        if (policy != ExitPolicy.RESTART) {
            preserved = policy == ExitPolicy.PRESERVE;
            event("%s (%s)".formatted(describe(reason), policy));
            finish(after);
            return;
        }
        restart(describe(reason));
    }

    /** A new engine domain from the same spec (the same module files), same id and name. */
    private void restart(String why) {
        event(why + ", restarting");
        state = DomainState.RESTARTING;
        SystemStore s = store;
        if (s != null) {
            s.restarting(this);
        }
        try {
            build();
            if (destroying) {
                handle.destroy();
                finish(DomainState.DESTROYED);
                return;
            }
            restarts++;
            start();
        } catch (EngineException e) {
            event("restart failed: " + e.getMessage());
            lastExit = new ExitReason.Error(e.getMessage());
            finish(DomainState.CRASHED);
        }
    }

    /** The first final state sticks: destroying a crashed domain at exit does not hide that it crashed. */
    private void finish(DomainState end) {
        boolean ended;
        synchronized (this) {
            ended = !state.isFinal();
            if (ended) {
                state = end;
            }
            vcpuThreads = List.of();
        }
        hub.end(this + " has ended (" + describeState() + ")");
        SystemStore s = store;
        if (ended && s != null) {
            s.ended(this, preserved);
        }
        finished.countDown();
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
