package org.domus.hypervisor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.domus.dom0less.BootModule;
import org.domus.dom0less.Enhanced;
import org.domus.dom0less.PartialDeviceTree;
import org.domus.dom0less.Plan;
import org.domus.dom0less.PlannedChannel;
import org.domus.dom0less.PlannedDomain;
import org.domus.engine.BootTrace;
import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.engine.GuestMachine;
import org.domus.image.Arch;
import org.domus.xen.XenDomain;
import org.domus.xen.XenDomainConfig;
import org.domus.xen.XenSystem;

/**
 * The domains of a running system (see {@link RunningSystem}, which owns the rest): every domain of a plan built in
 * parallel on its engine, then all started at the same instant, as dom0less starts its domUs without waiting for a
 * control domain. Closing it destroys them all.
 */
public final class Hypervisor implements AutoCloseable {
    /** How long {@link #close()} waits for the domains to go (QEMU gets one second before it is killed). */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final List<Domain> domains;
    private final ConsoleMux mux;
    private final SystemStore store;
    /** The Xen side of its xen,enhanced domains (event channels between them, their rings). */
    private final XenSystem xen;
    /**
     * Where an Arm guest's RAM starts: Xen's GUEST_RAM0_BASE, and QEMU virt's RAM too, so a guest sees the same
     * memory map under Domus as under Xen.
     */
    static final long GUEST_RAM_BASE = 0x4000_0000L;
    /** Its cpupools by id: Pool-0 first. */
    private final List<CpuPool> pools;
    /** Notified whenever a domain changes state. */
    private final Object settled = new Object();

    private Hypervisor(List<Domain> domains, ConsoleMux mux, SystemStore store, XenSystem xen, List<CpuPool> pools) {
        this.xen = xen;
        this.pools = List.copyOf(pools);
        this.domains = List.copyOf(domains);
        this.mux = mux;
        this.store = store;
        for (Domain d : this.domains) {
            d.onChange(this::changed);
        }
    }

    /** Wakes {@link #awaitAll}; run under a domain's lock, so it takes no other. */
    private void changed() {
        synchronized (settled) {
            settled.notifyAll();
        }
    }

    /**
     * Boots {@code plan}: modules not backed by a file are written under {@code runDir/dN-name/}, each domain is built on the
     * engine {@code engineName} ("auto" picks by the kernel's architecture), then all start together. If any
     * domain fails to build or to start, every domain is destroyed, and gone, before this throws: nothing of a
     * system that did not boot keeps running.
     */
    static Hypervisor boot(Plan plan, String engineName, Path runDir, ConsoleMux mux, ExitPolicies policies)
            throws EngineException, IOException {
        return boot(plan, engineName, runDir, mux, policies, null);
    }

    /**
     * As {@link #boot(Plan, String, Path, ConsoleMux, ExitPolicies)}, with {@code store} (may be null) kept in step
     * with every domain: entries at build, introduced at start, released at the end.
     */
    static Hypervisor boot(Plan plan, String engineName, Path runDir, ConsoleMux mux, ExitPolicies policies,
                           SystemStore store) throws EngineException, IOException {
        Hypervisor hv = of(plan, engineName, runDir, mux, policies, store);
        hv.start();
        return hv;
    }

    /**
     * The domains of {@code plan}, made but not built: {@link #start()} builds and starts them. Made first so that a
     * stop during the boot ({@link #close()}) reaches the domains being built too.
     */
    static Hypervisor of(Plan plan, String engineName, Path runDir, ConsoleMux mux, ExitPolicies policies,
                         SystemStore systemStore) throws EngineException, IOException {
        if (systemStore != null) {
            systemStore.reportTo(mux);
        }
        XenSystem xen = new XenSystem();
        // without pool nodes Pool-0 is whatever CPUs Domus may use (a taskset or cpuset narrows them), not 0..n-1
        List<CpuPool> pools = plan.hasCpupools() ? plan.cpupools().stream().map(CpuPool::new).toList()
                : List.of(CpuPool.wholeHost(plan.cpupools().getFirst().scheduler()));
        // every domain's Xen state first: the static channels are bound between them before any allocates its
        // store and console ports, as Xen binds them before the store channel (dom0less-build.c)
        List<Engine> engines = new ArrayList<>();
        List<XenDomain> xenDomains = new ArrayList<>();
        List<AtomicReference<Domain>> owners = new ArrayList<>();
        for (PlannedDomain d : plan.domains()) {
            Engine engine = Engine.pick(engineName, d.arch());
            // Xen gives its guest ABI to xen,enhanced domUs only; an engine without one keeps the store host-side
            AtomicReference<Domain> owner = new AtomicReference<>();
            XenDomain xd = d.id() != 0 && d.enhanced() != Enhanced.NONE && engine.guestXenAbi(d.arch())
                    ? xen.create(new XenDomainConfig(d.id(), d.vcpus(), GUEST_RAM_BASE, d.memoryKib() * 1024,
                            d.enhanced().hasXenstore()), reason -> owner.get().guestShutdown(reason))
                    : null;
            engines.add(engine);
            xenDomains.add(xd);
            owners.add(owner);
        }
        bindStaticChannels(plan, xen, engineName);
        List<Domain> domains = new ArrayList<>();
        for (int i = 0; i < plan.domains().size(); i++) {
            PlannedDomain d = plan.domains().get(i);
            XenDomain xd = xenDomains.get(i);
            Path dir = runDir.resolve("d" + d.id() + "-" + d.name());
            Files.createDirectories(dir);
            if (xd != null) {
                xd.finishBuild();
            }
            DomainSpec spec = new DomainSpec(d.name(), d.arch(), d.memoryKib() * 1024, d.vcpus(),
                    write(d.kernel(), dir.resolve("kernel")), write(d.ramdisk(), dir.resolve("ramdisk")),
                    d.cmdline(), dir, xd == null ? null : xd.guest(), d.kernel().image(), machine(plan, d));
            mux.attachLog(d.id(), dir.resolve("console.log"));
            StoreChannel store = xd == null ? new StoreChannel(d.enhanced(), d.storeEventChannel())
                    : new StoreChannel(d.enhanced(), xd.storePort(), xd.layout().storePfn());
            CpuPool pool = pools.stream().filter(p -> p.config().id() == d.cpupool().id()).findFirst().orElseThrow();
            Domain domain = new Domain(d.id(), d.name(), spec, engines.get(i), policies, mux, affinity(d), store, xd,
                    pool);
            owners.get(i).set(domain);
            domain.useStore(systemStore);
            domains.add(domain);
        }
        BootTrace.mark("domains made");
        return new Hypervisor(domains, mux, systemStore, xen, pools);
    }

    /**
     * Binds each static event channel of the plan ({@code xen,evtchn-v1} pairs) before any domain is built, so that
     * both guests find it bound from their first instruction. Both ends must be Xen guests on their engine (the plan
     * already refused ends without {@code xen,enhanced}; dom0 and guests of an engine without Xen's ABI are refused
     * here), else nothing is built.
     */
    private static void bindStaticChannels(Plan plan, XenSystem xen, String engineName) throws EngineException {
        for (PlannedChannel c : plan.eventChannels()) {
            for (int dom : new int[] {c.domA(), c.domB()}) {
                if (xen.domain(dom).isEmpty()) {
                    PlannedDomain d = plan.domains().stream().filter(p -> p.id() == dom).findFirst().orElseThrow();
                    throw new EngineException(("%s: static event channel to %s: d%d %s is not a Xen guest on the %s engine"
                            + " (%s), so it cannot be bound").formatted(dom == c.domA() ? c.path() : c.remotePath(),
                            dom == c.domA() ? c.remotePath() : c.path(), d.id(), d.name(), engineName,
                            d.id() == 0 ? "dom0 runs without Xen's guest ABI" : d.arch() + " guests there do not see Xen"));
                }
            }
            try {
                xen.bindStatic(c.domA(), c.portA(), c.domB(), c.portB());
            } catch (IllegalArgumentException e) {
                throw new EngineException(c.path() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Builds every domain in parallel, then starts them all together. If any fails to build or to start, every
     * domain is destroyed, and gone, before this throws.
     */
    void start() throws EngineException {
        EngineException failed = null;
        try (ExecutorService builders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> builds = new ArrayList<>();
            for (Domain d : domains) {
                builds.add(builders.submit(() -> {
                    d.build();
                    return null;
                }));
            }
            // every build is waited for, failed or not: a domain still being built when the others are destroyed
            // would otherwise come up after its system had gone
            for (int i = 0; i < builds.size(); i++) {
                try {
                    builds.get(i).get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    String why = cause instanceof EngineException ee ? ee.getMessage() : cause.toString();
                    if (failed == null) {
                        failed = new EngineException("%s: cannot build: %s".formatted(domains.get(i), why), cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    builders.shutdownNow();
                    failed = new EngineException("interrupted while building domains", e);
                    break;
                }
            }
        }
        if (failed != null) {
            close();
            throw failed;
        }
        BootTrace.mark("all built");
        for (Domain d : domains) {
            try {
                d.start();
            } catch (EngineException e) {
                close();
                throw new EngineException("%s: cannot start: %s".formatted(d, e.getMessage()), e);
            }
        }
        BootTrace.mark("all started");
        mux.event("%d domain%s started".formatted(domains.size(), domains.size() == 1 ? "" : "s"));
    }

    /** The machine Xen would give the domain: the system's GIC, a UART if it has vpl011, its partial tree merged. */
    private static GuestMachine machine(Plan plan, PlannedDomain d) {
        UnaryOperator<byte[]> partial = null;
        if (d.id() != 0 && d.deviceTree() != null) {
            byte[] bytes = d.deviceTree().bytes().toArray(); // kept: a reboot merges it again
            String where = d.deviceTree().path();
            partial = dtb -> PartialDeviceTree.merge(dtb, bytes, where);
        }
        return new GuestMachine(plan.gic().version(), d.uart(), partial);
    }

    /**
     * The plan's placement of each vCPU: a CPU of its own under sched=null, a xen,vcpu node's hard affinity, or
     * null where the host scheduler decides.
     */
    private static List<BitSet> affinity(PlannedDomain d) {
        List<BitSet> out = new ArrayList<>();
        for (String cpus : d.pinning()) {
            out.add(cpus.equals("any") ? null : CpuSet.parse(cpus, hostCpus()));
        }
        return out;
    }

    /**
     * The host CPUs domains may use: those Domus itself may run on (a cpuset or taskset narrows them), read once.
     */
    public static BitSet hostCpus() {
        return (BitSet) HostCpus.ALL.clone();
    }

    private static final class HostCpus {
        static final BitSet ALL = read();

        private static BitSet read() {
            try {
                return CpuAffinity.get(0);
            } catch (CpuAffinity.AffinityException e) {
                BitSet all = new BitSet();
                all.set(0, Runtime.getRuntime().availableProcessors());
                return all;
            }
        }
    }

    /** Stand-in systems for tests: domains already built and started. */
    static Hypervisor of(List<Domain> domains, ConsoleMux mux) {
        return new Hypervisor(domains, mux, null, new XenSystem(), pools(domains));
    }

    /** Stand-in systems for tests, with a store that was given to each domain. */
    static Hypervisor of(List<Domain> domains, ConsoleMux mux, SystemStore store) {
        store.reportTo(mux);
        return new Hypervisor(domains, mux, store, new XenSystem(), pools(domains));
    }

    /** The distinct pools of stand-in domains, by id. */
    private static List<CpuPool> pools(List<Domain> domains) {
        List<CpuPool> out = new ArrayList<>();
        for (Domain d : domains) {
            if (out.stream().noneMatch(p -> p.config().id() == d.pool().config().id())) {
                out.add(d.pool());
            }
        }
        out.sort((a, b) -> Integer.compare(a.config().id(), b.config().id()));
        return out;
    }

    /** Its cpupools, by id. */
    public List<CpuPool> pools() {
        return pools;
    }

    /** The system's xenstored, if it has one. */
    public Optional<SystemStore> store() {
        return Optional.ofNullable(store);
    }

    /**
     * The domain {@code ref} names: its name, its id ("1"), or "d1". Names win over ids, as a domain may be
     * called "2".
     */
    public Domain domain(String ref) throws ControlException {
        for (Domain d : domains) {
            if (d.name().equals(ref)) {
                return d;
            }
        }
        String number = ref.startsWith("d") ? ref.substring(1) : ref;
        for (Domain d : domains) {
            if (number.equals(Integer.toString(d.id()))) {
                return d;
            }
        }
        throw new ControlException("no domain '%s' (there are %s)".formatted(ref,
                String.join(", ", domains.stream().map(Domain::toString).toList())));
    }

    public ConsoleMux mux() {
        return mux;
    }

    /**
     * The module as a file the engine can load: the file it was read from, when the bytes are that whole file
     * (no copy of a 30 MB kernel per domain), else the bytes written into the domain's folder (board memory).
     */
    private static Path write(BootModule module, Path file) throws IOException {
        if (module == null) {
            return null;
        }
        if (module.bytes().file() != null) {
            return module.bytes().unchangedFile();
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = module.bytes().content().asByteBuffer();
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        return file;
    }

    public List<Domain> domains() {
        return domains;
    }

    /**
     * Waits until no domain is live any more (each destroyed, shut down or crashed; a domain brought back with
     * {@code create} meanwhile is waited for too); 0 when none last ended by crashing, else 1.
     */
    public int awaitAll() throws InterruptedException {
        synchronized (settled) {
            while (domains.stream().anyMatch(d -> !d.state().isFinal())) {
                settled.wait();
            }
        }
        return domains.stream().anyMatch(Domain::crashed) ? 1 : 0;
    }

    /**
     * Destroys every domain, for good (none can be created again), and waits (a few seconds at most) until each
     * is gone, so that Domus exits after its QEMU processes and the user sees each domain's last event; safe to
     * call more than once, from any thread.
     */
    @Override
    public void close() {
        for (Domain d : domains) {
            d.retire();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        try {
            for (Domain d : domains) {
                d.awaitFinal(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Domain d : domains) {
            xen.destroy(d.id()); // its ports closed, its hvc0 stream ended
        }
    }
}
