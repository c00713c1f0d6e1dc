package org.domus.dom0less;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * The boot cpupools of one tree (Xen's boot-cpupool.c and docs/misc/arm/device-tree/cpupools.txt): each
 * {@code xen,cpupool} node under /chosen owns the CPUs its {@code cpupool-cpus} phandles name, the CPUs no node
 * names make one more pool, and the pool holding CPU 0 becomes Pool-0, where every domain without a
 * {@code domain-cpupool} runs. Where Xen panics at boot, each problem is reported with the node's path and Xen's
 * words.
 *
 * <p>A cpu node is the logical CPU Xen numbers it (dt_smp_init_cpus: the boot CPU, whose {@code reg} (MPIDR) is 0 on
 * QEMU's virt and on nearly every board, is 0, the others follow in /cpus order from 1), and logical CPU n is host
 * CPU n, as a {@code hard-affinity} pCPU and a {@code vcpu-pin} CPU already are.
 */
final class Cpupools {
    static final Set<String> PROPERTIES = Set.of("cpupool-cpus", "cpupool-sched");
    /** The MPIDR affinity bits a cpu node's reg may hold on arm64 (MPIDR_HWID_MASK). */
    private static final long MPIDR_HWID_MASK = 0xff00ffffffL;

    private final ReadContext ctx;
    /** cpu node path: its logical CPU. */
    private final Map<String, Integer> logical;
    /** Pool node path: what it owns, in /chosen order. */
    private final Map<String, Read> read = new LinkedHashMap<>();
    /** Logical CPU: the pool node that took it first. */
    private final Map<Integer, String> owner = new HashMap<>();

    private record Read(BitSet cpus, String scheduler) {
    }

    Cpupools(ReadContext ctx, Located root) {
        this.ctx = ctx;
        this.logical = logicalCpus(root);
    }

    /** One {@code xen,cpupool} node (btcpupools_dtb_parse). */
    void read(Located at, XenCommandLine xen) {
        Problems problems = ctx.problems;
        KnownProperties.check(at, PROPERTIES, Map.of(), problems);
        BitSet cpus = new BitSet();
        Optional<Property> list = at.node().property("cpupool-cpus");
        if (list.isEmpty() || list.get().length() == 0 || list.get().length() % 4 != 0) {
            problems.add(Rule.CPUPOOL_CPUS, at.path(), "missing or empty cpupool-cpus (phandles of cpu nodes) "
                    + "(Xen: \"Missing or empty cpupool-cpus property!\")");
        } else {
            byte[] cells = list.get().value();
            for (int i = 0; i < cells.length / 4; i++) {
                cpu(at, (int) Values.cell(cells, i), cpus);
            }
        }
        String scheduler = xen.scheduler();
        Optional<Property> sched = at.node().property("cpupool-sched");
        if (sched.isPresent()) {
            String s = sched.get().string();
            if (XenArgs.SCHEDULERS.contains(s)) {
                scheduler = s;
            } else {
                problems.add(Rule.CPUPOOL_SCHED, at.path(), "cpupool-sched \"%s\" is not a Xen scheduler (credit, "
                        + "credit2, null, rtds, arinc653) (Xen: \"Scheduler %s does not exists!\")", s, s);
            }
        }
        read.put(at.path(), new Read(cpus, scheduler));
    }

    /** One phandle of cpupool-cpus: a cpu node Xen brings up, on the host, in no other pool. */
    private void cpu(Located pool, int phandle, BitSet cpus) {
        Problems problems = ctx.problems;
        String xenRetrieving = "Xen: \"Error retrieving logical cpu from node %s (-2)\"".formatted(pool.name());
        Optional<Located> node = ctx.phandles.find(phandle);
        if (node.isEmpty()) {
            problems.add(Rule.CPUPOOL_CPUS, pool.path(), "cpupool-cpus phandle 0x%x matches no node", phandle);
            return;
        }
        String path = node.get().path();
        Integer cpu = logical.get(path);
        if (cpu == null) {
            problems.add(Rule.CPUPOOL_CPUS, pool.path(), "cpupool-cpus names %s, which is not a CPU Xen brings up (a "
                    + "child of /cpus with device_type \"cpu\" and a reg of its own) (%s)", path, xenRetrieving);
            return;
        }
        int hostCpus = ctx.host.cpus();
        if (cpu >= hostCpus) {
            problems.add(Rule.CPUPOOL_CPUS, pool.path(), "cpupool-cpus names %s, logical CPU %d, the host has %d CPUs "
                    + "(0-%d) (Xen panics: its pool \"contains cpu%d that is not online!\")", path, cpu, hostCpus, hostCpus - 1,
                    cpu);
            return;
        }
        String before = owner.putIfAbsent(cpu, pool.path());
        if (before != null) {
            problems.add(Rule.CPUPOOL_SHARED, pool.path(), "cpupool-cpus names %s, logical CPU %d, which is already in "
                    + "%s (Xen: \"Logical cpu %d already added to a cpupool!\")", path, cpu,
                    before.equals(pool.path()) ? "this cpupool" : before, cpu);
            return;
        }
        cpus.set(cpu);
    }

    /** Whether the tree has pool nodes: without, Pool-0 is the whole host and {@link SystemRules} judges it. */
    boolean hasNodes() {
        return !read.isEmpty();
    }

    /**
     * The pools as Xen allocates them (btcpupools_allocate_pools): pool nodes get ids in /chosen order, the host
     * CPUs no node names one more pool, and the pool holding CPU 0 trades ids with pool 0. Ordered by id.
     */
    List<Cpupool> build(XenCommandLine xen) {
        BitSet rest = new BitSet();
        rest.set(0, Math.max(ctx.host.cpus(), 1));
        List<Cpupool> pools = new ArrayList<>();
        for (Map.Entry<String, Read> e : read.entrySet()) {
            pools.add(new Cpupool(pools.size(), e.getKey(), e.getValue().cpus(), e.getValue().scheduler()));
            rest.andNot(e.getValue().cpus());
        }
        if (!rest.isEmpty()) {
            pools.add(new Cpupool(pools.size(), null, rest, xen.scheduler()));
        }
        int zero = 0;
        for (Cpupool p : pools) {
            if (p.cpus().get(0)) {
                zero = p.id();
            }
        }
        List<Cpupool> out = new ArrayList<>();
        for (Cpupool p : pools) {
            int id = p.id() == zero ? 0 : p.id() == 0 ? zero : p.id();
            out.add(new Cpupool(id, p.path(), p.cpus(), p.scheduler()));
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return out;
    }

    /** The pool {@code d} runs in: its {@code domain-cpupool}, else Pool-0. */
    static Cpupool of(List<Cpupool> pools, DomainConfig d) {
        for (Cpupool p : pools) {
            if (d.cpupoolPath() != null && d.cpupoolPath().equals(p.path())) {
                return p;
            }
        }
        return pools.stream().filter(p -> p.id() == 0).findFirst().orElseThrow();
    }

    /**
     * Where the pools confine vCPUs: a {@code hard-affinity} with no CPU of the domain's pool is refused by Xen at boot,
     * and a null pool gives each vCPU of its domains a CPU of its own ({@link #nullPlacement}), so a vCPU left without
     * one would never run. {@code poolNodes}: the tree has pool nodes; without, {@link SystemRules} has already judged
     * the vCPU count of the one pool, the host.
     */
    static void checkPlacement(List<Cpupool> pools, List<DomainConfig> domains, Problems problems, String chosenPath,
                               boolean poolNodes) {
        Map<Integer, Integer> vcpus = new HashMap<>();
        for (DomainConfig d : domains) {
            if (d.cpus() <= 0) {
                continue;
            }
            Cpupool pool = of(pools, d);
            vcpus.merge(pool.id(), d.cpus(), Integer::sum);
            for (VcpuAffinity a : d.vcpus()) {
                if (!a.hardAffinity().isEmpty() && !a.hardAffinity().intersects(pool.cpus())) {
                    problems.add(Rule.CPUPOOL_AFFINITY, a.path(), "hard-affinity %s has no CPU of the domain's %s (Xen: "
                            + "\"vcpu%d: failed (rc=-22) to set hard affinity for domain %s\")",
                            Plan.CpuRanges.format(a.hardAffinity()), pool.describe(), a.id(), d.name());
                }
            }
        }
        Map<DomainConfig, int[]> placed = nullPlacement(pools, domains);
        for (Cpupool p : pools) {
            if (!p.nullScheduler()) {
                continue;
            }
            int nextId = 1;
            String waiting = null;
            BitSet allowed = null;
            for (DomainConfig d : domains) {
                int id = d.dom0() ? 0 : nextId++;
                int[] cpus = placed.get(d);
                for (int v = 0; cpus != null && of(pools, d).id() == p.id() && v < cpus.length && waiting == null; v++) {
                    if (cpus[v] < 0) {
                        waiting = "d%dv%d".formatted(id, v);
                        allowed = hardAffinity(d, v);
                    }
                }
            }
            if (waiting == null) {
                continue;
            }
            int count = vcpus.getOrDefault(p.id(), 0);
            int cpus = p.cpus().cardinality();
            String path = p.path() == null ? chosenPath : p.path();
            if (count > cpus) {
                if (poolNodes) {
                    problems.add(Rule.CPUPOOL_OVERCOMMIT, path, "%s runs the null scheduler, which gives each vCPU a CPU "
                            + "of its own: its domains have %d vCPUs, it has %d CPU%s, so %s would never run (Xen: "
                            + "\"WARNING: %s not assigned to any CPU!\")", p.describe(), count, cpus, cpus == 1 ? "" : "s",
                            waiting, waiting);
                }
            } else {
                BitSet within = p.cpus();
                within.and(allowed);
                problems.add(Rule.CPUPOOL_OVERCOMMIT, path, "%s runs the null scheduler, which gives each vCPU a CPU of "
                        + "its own: %s may run only on CPU%s %s, each taken by a vCPU before it, so it would never run "
                        + "(Xen: \"WARNING: %s not assigned to any CPU!\")", p.describe(), waiting,
                        within.cardinality() == 1 ? "" : "s", Plan.CpuRanges.format(within), waiting);
            }
        }
    }

    /**
     * Under each null pool, the CPU every vCPU of its domains holds from boot, in domain then vCPU order: the first
     * CPU of the pool within its {@code hard-affinity} that no vCPU before it holds (null.c's pick_res), or -1 where
     * there is none and Xen would leave the vCPU waiting. Domains of other pools are absent.
     */
    static Map<DomainConfig, int[]> nullPlacement(List<Cpupool> pools, List<DomainConfig> domains) {
        Map<DomainConfig, int[]> out = new IdentityHashMap<>();
        Map<Integer, BitSet> taken = new HashMap<>();
        for (DomainConfig d : domains) {
            Cpupool pool = of(pools, d);
            if (!pool.nullScheduler() || d.cpus() <= 0) {
                continue;
            }
            BitSet held = taken.computeIfAbsent(pool.id(), k -> new BitSet());
            int[] cpus = new int[d.cpus()];
            for (int v = 0; v < cpus.length; v++) {
                BitSet free = pool.cpus();
                BitSet hard = hardAffinity(d, v);
                if (hard != null) {
                    free.and(hard);
                }
                free.andNot(held);
                cpus[v] = free.nextSetBit(0);
                if (cpus[v] >= 0) {
                    held.set(cpus[v]);
                }
            }
            out.put(d, cpus);
        }
        return out;
    }

    /** The hard affinity the {@code xen,vcpu} nodes give vCPU {@code v} (Xen applies each: the last wins), or null. */
    static BitSet hardAffinity(DomainConfig d, int v) {
        BitSet hard = null;
        for (VcpuAffinity a : d.vcpus()) {
            if (a.id() == v && !a.hardAffinity().isEmpty()) {
                hard = a.hardAffinity();
            }
        }
        return hard;
    }

    /**
     * Xen's logical CPU of each /cpus child it brings up (dt_smp_init_cpus): device_type "cpu", a reg (MPIDR
     * affinity bits only), no reg seen before; reg 0, the boot CPU, is 0 and the others count from 1 in tree order.
     */
    private static Map<String, Integer> logicalCpus(Located root) {
        Map<String, Integer> out = new HashMap<>();
        Located cpus = null;
        for (Node child : root.node().children()) {
            if (child.name().equals("cpus")) {
                cpus = root.child(child);
            }
        }
        if (cpus == null) {
            return out;
        }
        long addressCells = cpus.node().property("#address-cells").map(Values::u32).orElse(OptionalLong.empty())
                .orElse(root.node().property("#address-cells").map(Values::u32).orElse(OptionalLong.empty()).orElse(1));
        List<Long> seen = new ArrayList<>();
        int next = 1;
        for (Node child : cpus.node().children()) {
            boolean cpu = child.property("device_type").map(p -> p.string().equals("cpu")).orElse(false);
            Optional<Property> reg = child.property("reg");
            if (!cpu || reg.isEmpty() || addressCells < 1 || addressCells > 2 || reg.get().length() < addressCells * 4) {
                continue;
            }
            long hwid = Values.number(reg.get().value(), 0, (int) addressCells).orElse(-1);
            if ((hwid & ~MPIDR_HWID_MASK) != 0 || seen.contains(hwid)) {
                continue;
            }
            seen.add(hwid);
            out.put(cpus.child(child).path(), hwid == 0 ? 0 : next++);
        }
        return out;
    }
}
