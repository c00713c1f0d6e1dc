package org.domus.dom0less;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The boot plan of a valid system: domain ids in device-tree order (dom0 is d0), the vCPU placement the
 * scheduler will use, each domain's console, and the static event channels bound between domains at build.
 * Made only from a system without errors.
 */
public record Plan(List<PlannedDomain> domains, String scheduler, char conswitch, List<Problem> warnings,
                   List<PlannedChannel> eventChannels) {
    public Plan {
        domains = List.copyOf(domains);
        warnings = List.copyOf(warnings);
        eventChannels = List.copyOf(eventChannels);
    }

    /** The plan for {@code system}; it must have no errors (check {@link SystemConfig#hasErrors()} first). */
    public static Plan of(SystemConfig system) {
        if (system.hasErrors()) {
            throw new IllegalArgumentException("a system with errors has no plan");
        }
        List<PlannedDomain> planned = new ArrayList<>();
        int nextId = 1;
        int nextPcpu = 0;
        for (DomainConfig d : system.domains()) {
            int id = d.dom0() ? 0 : nextId++;
            List<String> pinning = new ArrayList<>();
            for (int v = 0; v < d.cpus(); v++) {
                pinning.add(system.xen().nullScheduler() ? Integer.toString(nextPcpu++) : affinity(d, v));
            }
            Arch arch = d.kernel().image() == null ? null : d.kernel().image().arch();
            planned.add(new PlannedDomain(id, d.name(), d.path(), d.memoryKib(), d.cpus(), pinning, arch,
                    d.kernel(), d.ramdisk(), d.deviceTree(), d.cmdline(), console(d, arch), d.enhanced(),
                    storeEventChannel(d)));
        }
        List<Problem> warnings = system.problems().stream().filter(p -> !p.isError()).toList();
        return new Plan(planned, system.xen().scheduler(), system.xen().conswitch(), warnings,
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

    /** The hard affinity a {@code xen,vcpu} node gives vCPU {@code v}, or "any". */
    private static String affinity(DomainConfig d, int v) {
        for (VcpuAffinity a : d.vcpus()) {
            if (a.id() == v) {
                return CpuRanges.format(a.hardAffinity());
            }
        }
        return "any";
    }

    /**
     * vpl011 is the emulated PL011 on Arm64 (the guest's ttyAMA0); on x86 it becomes a 16550 at COM1
     * (ttyS0). Without it, an enhanced domain still has Xen's PV console (hvc0), others none.
     */
    private static String console(DomainConfig d, Arch arch) {
        if (d.vpl011() || d.dom0()) {
            return arch == Arch.X86_64 ? "16550 UART at COM1 (ttyS0)" : "vpl011 PL011 UART (ttyAMA0)";
        }
        return d.enhanced() == Enhanced.NONE ? "none" : "PV console (hvc0)";
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
