package org.domus.cli;

import java.util.BitSet;
import java.util.List;

import org.domus.dom0less.BootModule;
import org.domus.dom0less.Cpupool;
import org.domus.dom0less.Enhanced;
import org.domus.dom0less.PartialDeviceTree;
import org.domus.dom0less.Plan;
import org.domus.dom0less.PlannedChannel;
import org.domus.dom0less.PlannedDomain;
import org.domus.hypervisor.CpuSet;
import org.domus.hypervisor.SystemStore;
import org.domus.image.Arch;

/** The plan as people read it: an {@code xl list}-like table, then one block per domain. */
final class PlanText {
    private PlanText() {
    }

    static String render(String source, Plan plan) {
        StringBuilder s = new StringBuilder();
        int n = plan.domains().size();
        s.append("%s: %d domain%s, scheduler %s, console switch Ctrl-%c x3, %s%n".formatted(
                source, n, n == 1 ? "" : "s", plan.scheduler(), Character.toUpperCase(plan.conswitch()), plan.gic()));
        s.append("%-4s %-16s %9s %5s %-7s %s%n".formatted("ID", "Name", "Mem(MiB)", "VCPUs", "Arch", "Console"));
        for (PlannedDomain d : plan.domains()) {
            s.append("%-4s %-16s %9d %5d %-7s %s%n".formatted("d" + d.id(), d.name(), d.memoryKib() / 1024,
                    d.vcpus(), d.arch(), d.console()));
        }
        if (plan.hasCpupools()) {
            s.append("%n%-19s%-8s%-10s%s%n".formatted("Cpupool", "CPUs", "Sched", "Node"));
            for (Cpupool p : plan.cpupools()) {
                s.append("%-19s%-8s%-10s%s%n".formatted(p.name(), CpuSet.format(p.cpus(), new BitSet()), p.scheduler(),
                        p.path() == null ? "(the CPUs in no xen,cpupool node)" : p.path()));
            }
        }
        for (PlannedDomain d : plan.domains()) {
            s.append("%nd%d %s (%s)%n".formatted(d.id(), d.name(), d.path()));
            line(s, "memory", "%d KiB (%s)".formatted(d.memoryKib(), mib(d.memoryKib())));
            line(s, "vcpus", "%d, %s".formatted(d.vcpus(), pinning(d.pinning())));
            if (plan.hasCpupools()) {
                line(s, "cpupool", d.cpupool().describe());
            }
            module(s, "kernel", d.kernel());
            module(s, "ramdisk", d.ramdisk());
            module(s, "dtb", d.deviceTree());
            if (d.deviceTree() != null && d.id() != 0) {
                line(s, "merges", PartialDeviceTree.describe(d.deviceTree()));
            }
            line(s, "cmdline", d.cmdline().isEmpty() ? "(none)" : d.cmdline());
            line(s, "enhanced", enhanced(d));
            for (PlannedChannel c : plan.eventChannels()) {
                if (c.domA() == d.id() || c.domB() == d.id()) {
                    boolean a = c.domA() == d.id();
                    line(s, "evtchn", "port %d to d%d port %d, static (%s), bound at build".formatted(
                            a ? c.portA() : c.portB(), a ? c.domB() : c.domA(), a ? c.portB() : c.portA(),
                            a ? c.path() : c.remotePath()));
                }
            }
        }
        // the qemu engine is the only one today: its Arm64 guests see Xen (the EL2 program), its x86 ones do not
        List<String> xenGuests = enhanced(plan, true);
        if (!xenGuests.isEmpty()) {
            s.append(("%nxenstore: %s: Xen guests on the qemu engine (their kernel finds Xen; console=hvc0 is their PV "
                    + "console), their store rings connected by init-dom0less%n").formatted(String.join(", ", xenGuests)));
        }
        List<String> hostOnly = enhanced(plan, false);
        if (!hostOnly.isEmpty()) {
            s.append("%n%s%n".formatted(SystemStore.guestViewLine(String.join(", ", hostOnly), "qemu")));
        }
        return s.toString();
    }

    /** The enhanced domUs whose guests will ({@code xen}) or will not see Xen's ABI, "dN name" each. */
    private static List<String> enhanced(Plan plan, boolean xen) {
        return plan.domains().stream().filter(d -> d.id() != 0 && d.enhanced() != Enhanced.NONE)
                .filter(d -> (d.arch() == Arch.ARM64) == xen).map(d -> "d" + d.id() + " " + d.name()).toList();
    }

    /** "enabled: store event channel 1, STORE_PFN ~0 until init-dom0less", as Xen sets the domain up. */
    private static String enhanced(PlannedDomain d) {
        if (d.storeEventChannel() == 0) {
            return switch (d.enhanced()) {
                case NONE -> "no";
                case NO_XENSTORE -> "no-xenstore (PV interfaces without a store)";
                default -> d.enhanced().toString();
            };
        }
        return "%s: store event channel %d, STORE_PFN ~0 until init-dom0less".formatted(d.enhanced(), d.storeEventChannel());
    }

    /** "not pinned", or "vcpu0 on pCPU 0-1,3, vcpu1 unpinned, vcpu2 on pCPU 5". */
    private static String pinning(List<String> perVcpu) {
        if (perVcpu.stream().allMatch("any"::equals)) {
            return "not pinned";
        }
        StringBuilder s = new StringBuilder();
        for (int v = 0; v < perVcpu.size(); v++) {
            String cpus = perVcpu.get(v);
            s.append(v == 0 ? "" : ", ").append("vcpu").append(v)
                    .append(cpus.equals("any") ? " unpinned" : " on pCPU " + cpus);
        }
        return s.toString();
    }

    /** "128 MiB", or "1.5 MiB" when not whole. */
    private static String mib(long kib) {
        return kib % 1024 == 0 ? (kib / 1024) + " MiB" : "%.2f MiB".formatted(kib / 1024.0);
    }

    /** "Arm64 Image ..., 0x1000 bytes at 0x2000000 from FILE"; a module found by xen,uefi-binary has no address. */
    private static void module(StringBuilder s, String label, BootModule m) {
        if (m != null) {
            String where = m.address() == -1 && m.uefiBinary() != null ? "by uefi-binary " + m.uefiBinary()
                    : "at 0x%x".formatted(m.address());
            line(s, label, "%s, 0x%x bytes %s from %s".formatted(m.image() == null ? "?" : m.image().detail(),
                    m.size(), where, m.bytes() == null ? "?" : m.bytes().origin()));
        }
    }

    private static void line(StringBuilder s, String label, String value) {
        s.append("  %-9s %s%n".formatted(label, value));
    }
}
