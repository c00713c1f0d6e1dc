package org.domus.dom0less;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules that look at the whole system: the host's CPUs and memory, names shared between domains, and boot
 * modules overlapping in memory. Each domain was read on its own before; nothing here re-reads the tree.
 */
final class SystemRules {
    private final Problems problems;
    private final Host host;
    private final XenCommandLine xen;
    private final String chosenPath;

    SystemRules(Problems problems, Host host, XenCommandLine xen, String chosenPath) {
        this.problems = problems;
        this.host = host;
        this.xen = xen;
        this.chosenPath = chosenPath;
    }

    /** {@code poolNodes}: {@code pools} come from {@code xen,cpupool} nodes, else Pool-0 is the host. */
    void check(List<DomainConfig> domains, List<BootModule> loaded, List<Cpupool> pools, boolean poolNodes) {
        if (domains.isEmpty()) {
            problems.add(Rule.NO_DOMAINS, chosenPath, "no domains: no child of /chosen is compatible with "
                    + "\"xen,domain\" and there is no dom0 kernel module");
        }
        names(domains);
        memory(domains);
        if (!poolNodes) {
            cpus(domains);
        }
        Cpupools.checkPlacement(pools, domains, problems, chosenPath, poolNodes);
        capabilities(domains);
        staticChannels(domains);
        overlaps(loaded);
    }

    /**
     * A static event channel is used by the guests at its two ends through Xen's ABI, which Domus gives to
     * {@code xen,enhanced} domains only: an end in a plain domain could never be bound, nor notified. Each end in
     * a plain domain is reported at its own node.
     */
    private void staticChannels(List<DomainConfig> domains) {
        for (DomainConfig d : domains) {
            if (d.enhanced() != Enhanced.NONE) {
                continue;
            }
            for (StaticEventChannel c : d.eventChannels()) {
                problems.add(Rule.EVTCHN_NOT_ENHANCED, c.path(), "static event channel to %s: domain %s is not "
                        + "xen,enhanced, so its guest has no Xen event channels to use it with (give it xen,enhanced)",
                        c.remotePath() == null ? "an unknown node" : c.remotePath(), d.path());
            }
        }
    }

    /**
     * Xen knows a domain only by its node name without unit address (dt_node_name), and finds a domU's bootargs
     * by it: two domains with one name would both get the first one's command line.
     */
    private void names(List<DomainConfig> domains) {
        Map<String, String> seen = new HashMap<>();
        for (DomainConfig d : domains) {
            if (d.dom0()) {
                seen.put(d.name(), d.path());
                continue;
            }
            String name = baseName(d.name());
            if (seen.containsKey(name) && seen.get(name).equals(chosenPath)) {
                problems.add(Rule.DUPLICATE_NAME, d.path(), "domain name \"%s\" is dom0's (the kernel module under "
                        + "/chosen): consoles and commands could not tell them apart", name);
                continue;
            }
            String before = seen.putIfAbsent(name, d.path());
            if (before != null) {
                problems.add(Rule.DUPLICATE_NAME, d.path(), "domain name \"%s\" is also %s's: Xen finds a domain's "
                        + "bootargs by this name, so both would get the first one's command line", name, before);
            }
        }
    }

    /**
     * One domain larger than the host is an error (it is almost always bytes written where KiB are meant); all
     * of them together larger than the host is a warning, since a hosted VM's RAM is only taken as the guest
     * touches it: they boot, and fail only if the guests really use it all.
     */
    private void memory(List<DomainConfig> domains) {
        long hostKib = host.memoryBytes() >>> 10;
        boolean eachFits = true;
        long total = 0;
        for (DomainConfig d : domains) {
            if (d.memoryKib() == -1 || d.memoryKib() == 0) {
                continue; // unusable, already reported
            }
            if (Long.compareUnsigned(d.memoryKib(), hostKib) > 0) {
                eachFits = false;
                problems.add(Rule.MEMORY_HOST, d.path(), "memory 0x%x KiB (%s) exceeds the host's %s (memory is in "
                        + "KiB)", d.memoryKib(), Sizes.kib(d.memoryKib()), Sizes.bytes(host.memoryBytes()));
            }
            fitsInMemory(d);
            total = saturatingAdd(total, d.memoryKib());
        }
        if (eachFits && Long.compareUnsigned(total, hostKib) > 0) {
            problems.add(Rule.MEMORY_TOTAL, chosenPath, "the domains' memory adds up to %s, the host has %s: they "
                    + "boot, but fail if the guests use it all", Sizes.kib(total), Sizes.bytes(host.memoryBytes()));
        }
    }

    /**
     * The kernel and the ramdisk are loaded into the domain's own RAM before it runs (QEMU refuses to start,
     * late and with a cryptic message, when they do not fit): both together must leave room in it. Their
     * compressed sizes are a lower bound of what they take, so this can only catch the certain failures.
     */
    private void fitsInMemory(DomainConfig d) {
        long images = 0;
        for (BootModule m : new BootModule[] {d.kernel(), d.ramdisk()}) {
            if (m != null && m.bytes() != null) {
                images += m.bytes().size();
            }
        }
        long memoryBytes = d.memoryKib() << 10;
        if (d.memoryKib() < (1L << 53) && images >= memoryBytes) {
            problems.add(Rule.IMAGES_MEMORY, d.path(), "kernel and ramdisk take %s, more than the domain's memory of %s",
                    Sizes.bytes(images), Sizes.kib(d.memoryKib()));
        }
    }

    /**
     * Under sched=null every vCPU gets a host CPU of its own (Xen's NULL scheduler pins them one to one), so more
     * vCPUs than CPUs is an error, for one domain or all of them; under other schedulers one domain with more
     * vCPUs than the host has CPUs only shares them (a warning), and many domains sharing CPUs is normal.
     */
    private void cpus(List<DomainConfig> domains) {
        int hostCpus = host.cpus();
        boolean pinned = xen.nullScheduler();
        boolean eachFits = true;
        long total = 0;
        for (DomainConfig d : domains) {
            if (d.cpus() <= 0) {
                continue;
            }
            total += d.cpus();
            if (d.cpus() <= hostCpus) {
                continue;
            }
            eachFits = false;
            if (pinned) {
                problems.add(Rule.CPUS_HOST_NULL, d.path(), "cpus %d exceeds the host's %d CPUs: sched=null gives each vCPU "
                        + "a CPU of its own", d.cpus(), hostCpus);
            } else {
                problems.add(Rule.CPUS_HOST, d.path(), "cpus %d exceeds the host's %d CPUs: its vCPUs will share "
                        + "them (overcommit)", d.cpus(), hostCpus);
            }
        }
        if (pinned && eachFits && total > hostCpus) {
            problems.add(Rule.CPUS_TOTAL, chosenPath, "the domains have %d vCPUs in total, the host has %d CPUs: "
                    + "sched=null gives each vCPU a CPU of its own", total, hostCpus);
        }
    }

    /** Xen allows one hardware domain and one xenstore domain (create_domUs, set_xs_domain). */
    private void capabilities(List<DomainConfig> domains) {
        String hardware = null;
        String xenstore = null;
        for (DomainConfig d : domains) {
            if (d.dom0()) {
                continue;
            }
            if ((d.capabilities() & 0x2) != 0) {
                if (hardware != null) {
                    problems.add(Rule.CAPABILITIES_DUPLICATE, d.path(),
                            "a second hardware domain (the first is %s): Xen allows only one", hardware);
                } else {
                    hardware = d.path();
                }
            }
            if ((d.capabilities() & 0x4) != 0) {
                if (xenstore != null) {
                    problems.add(Rule.CAPABILITIES_DUPLICATE, d.path(),
                            "a second xenstore domain (the first is %s): Xen allows only one", xenstore);
                } else {
                    xenstore = d.path();
                }
            }
        }
    }

    /**
     * Two modules whose bytes would share memory, across all domains. The same address used twice for one kind
     * is one module (Xen's add_boot_module merges them): two domains may boot the same kernel.
     */
    private void overlaps(List<BootModule> loaded) {
        List<BootModule> placed = new ArrayList<>();
        for (BootModule m : loaded) {
            boolean shared = placed.stream().anyMatch(p -> p.address() == m.address() && p.kind() == m.kind());
            if (m.address() != -1 && m.size() > 0 && !shared) {
                placed.add(m);
            }
        }
        placed.sort(Comparator.comparing(BootModule::address, Long::compareUnsigned)); // stable: tree order kept
        for (int i = 0; i < placed.size(); i++) {
            BootModule a = placed.get(i);
            Reg ra = new Reg(a.address(), a.size());
            for (int j = i + 1; j < placed.size(); j++) {
                BootModule b = placed.get(j);
                if (Long.compareUnsigned(b.address(), ra.last()) > 0) {
                    break;
                }
                problems.add(Rule.MODULE_OVERLAP, b.path(), "module %s overlaps %s (%s)",
                        new Reg(b.address(), b.size()).range(), a.path(), ra.range());
            }
        }
    }

    private static String baseName(String name) {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return Long.compareUnsigned(sum, a) < 0 ? -1L : sum;
    }
}
