package org.domus.dom0less;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.domus.image.Arch;

/**
 * The boot plan of a valid system: domain ids in device-tree order (dom0 is d0), the vCPU placement the
 * scheduler will use, each domain's console, the cpupools (by id) the domains run in, the GIC they all get, and
 * the static event channels bound between domains at build. Made only from a system without errors.
 */
public record Plan(List<PlannedDomain> domains, String scheduler, char conswitch, List<Problem> warnings,
                   List<Cpupool> cpupools, Gic gic, List<PlannedChannel> eventChannels) {
    public Plan {
        domains = List.copyOf(domains);
        warnings = List.copyOf(warnings);
        cpupools = List.copyOf(cpupools);
        eventChannels = List.copyOf(eventChannels);
    }

    /** Whether the system has pools of its own ({@code xen,cpupool} nodes), not only Pool-0 holding every CPU. */
    public boolean hasCpupools() {
        return cpupools.size() > 1 || cpupools.getFirst().path() != null;
    }

    /** The plan for {@code system}; it must have no errors (check {@link SystemConfig#hasErrors()} first). */
    public static Plan of(SystemConfig system) {
        if (system.hasErrors()) {
            throw new IllegalArgumentException("a system with errors has no plan");
        }
        List<PlannedDomain> planned = new ArrayList<>();
        int nextId = 1;
        Map<DomainConfig, int[]> nullPlaced = Cpupools.nullPlacement(system.cpupools(), system.domains());
        boolean onePool = system.cpupools().size() == 1;
        for (DomainConfig d : system.domains()) {
            int id = d.dom0() ? 0 : nextId++;
            Cpupool pool = system.cpupool(d);
            List<String> pinning = new ArrayList<>();
            for (int v = 0; v < d.cpus(); v++) {
                pinning.add(pool.nullScheduler() ? Integer.toString(nullPlaced.get(d)[v])
                        : affinity(d, v, onePool ? null : pool.cpus()));
            }
            Arch arch = d.kernel().image() == null ? null : d.kernel().image().arch();
            planned.add(new PlannedDomain(id, d.name(), d.path(), d.memoryKib(), d.cpus(), pinning, arch,
                    d.kernel(), d.ramdisk(), d.deviceTree(), d.cmdline(), console(d, arch), d.enhanced(),
                    storeEventChannel(d), pool, d.vpl011() || d.dom0()));
        }
        List<Problem> warnings = system.problems().stream().filter(p -> !p.isError()).toList();
        return new Plan(planned, system.xen().scheduler(), system.xen().conswitch(), warnings, system.cpupools(),
                system.gic(),
                channels(system.domains(), planned));
    }

    /**
     * Each {@code xen,evtchn-v1} pair once, from the node met first in tree order (both nodes name each other; the
     * validator has checked that they do).
     */
    private static List<PlannedChannel> channels(List<DomainConfig> domains, List<PlannedDomain> planned) {
        Map<String, Integer> idByPath = new HashMap<>();
        for (PlannedDomain p : planned) {
            idByPath.put(p.path(), p.id());
        }
        Map<String, Integer> portByPath = new HashMap<>();
        for (DomainConfig d : domains) {
            for (StaticEventChannel c : d.eventChannels()) {
                portByPath.put(c.path(), c.localPort());
            }
        }
        List<PlannedChannel> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (DomainConfig d : domains) {
            for (StaticEventChannel c : d.eventChannels()) {
                Integer remoteDom = idByPath.get(StaticEventChannel.domainPath(c.remotePath()));
                Integer remotePort = portByPath.get(c.remotePath());
                if (remoteDom == null || remotePort == null || !done.add(c.path()) || !done.add(c.remotePath())) {
                    continue;
                }
                out.add(new PlannedChannel(c.path(), idByPath.get(d.path()), c.localPort(), c.remotePath(),
                        remoteDom, remotePort));
            }
        }
        return out;
    }

    /**
     * Xen allocates a store domain's channel with EVTCHNOP_alloc_unbound after the static event channels are bound
     * (dom0less-build.c), so it gets the lowest port above 0 they left free. Dom0 runs no init-dom0less handshake.
     */
    private static int storeEventChannel(DomainConfig d) {
        if (d.dom0() || !d.enhanced().hasXenstore()) {
            return 0;
        }
        int port = 1;
        while (true) {
            int p = port;
            if (d.eventChannels().stream().noneMatch(e -> e.localPort() == p)) {
                return port;
            }
            port++;
        }
    }

    /**
     * The hard affinity a {@code xen,vcpu} node gives vCPU {@code v}, within {@code pool}'s CPUs when the system has
     * pools (null: it has not, and a vCPU without a node is "any"), as Xen runs a vCPU only where both allow.
     */
    private static String affinity(DomainConfig d, int v, BitSet pool) {
        BitSet hard = Cpupools.hardAffinity(d, v);
        if (pool == null) {
            return hard == null ? "any" : CpuRanges.format(hard);
        }
        if (hard != null) {
            pool.and(hard);
        }
        return CpuRanges.format(pool);
    }

    /**
     * vpl011 is the emulated PL011 on Arm64 (the guest's ttyAMA0); on x86 it becomes a 16550 at COM1 (ttyS0). An
     * enhanced Arm64 domU is a Xen guest on the qemu engine (the only engine today), so it has Xen's PV console
     * (hvc0) too; an enhanced x86 one is not, and has no PV console. Without either, the guest has no console.
     */
    private static String console(DomainConfig d, Arch arch) {
        List<String> consoles = new ArrayList<>();
        if (d.vpl011() || d.dom0()) {
            String uart = arch == Arch.X86_64 ? "16550 COM1" : "pl011";
            consoles.add(d.dom0() ? uart : uart + " (vpl011)");
        }
        if (!d.dom0() && d.enhanced() != Enhanced.NONE && arch == Arch.ARM64) {
            consoles.add("hvc0 (PV console)");
        }
        return consoles.isEmpty() ? "none" : String.join(", ", consoles);
    }

    /** Formats CPU sets the way Xen's hard-affinity strings are written: "0-3,6". */
    static final class CpuRanges {
        private CpuRanges() {
        }

        static String format(BitSet cpus) {
            StringBuilder s = new StringBuilder();
            for (int i = cpus.nextSetBit(0); i >= 0; ) {
                int end = cpus.nextClearBit(i) - 1;
                if (!s.isEmpty()) {
                    s.append(',');
                }
                s.append(i);
                if (end > i) {
                    s.append('-').append(end);
                }
                i = cpus.nextSetBit(end + 1);
            }
            return s.isEmpty() ? "none" : s.toString();
        }
    }
}
