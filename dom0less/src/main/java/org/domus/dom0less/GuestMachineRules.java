package org.domus.dom0less;

import java.util.List;

import org.domus.fdt.Node;
import org.domus.image.Arch;

/**
 * What the machine each guest gets allows: its GIC (the host's version, as Xen gives it) and its partial device tree.
 * Kept apart from the system rules: these are about what a domain sees, not what the host can hold.
 */
final class GuestMachineRules {
    /** Xen's vGICv2, as the GICv2 distributor's 8-bit target registers, serves 8 vCPUs. */
    static final int GICV2_MAX_VCPUS = 8;

    private GuestMachineRules() {
    }

    /** The system's GIC, with every domain's problems with it and with its partial device tree added. */
    static Gic check(Node root, Host host, List<DomainConfig> domains, Problems problems) {
        Gic gic = Gic.of(root, host, problems);
        for (DomainConfig d : domains) {
            boolean arm64 = d.kernel() != null && d.kernel().image() != null && d.kernel().image().arch() == Arch.ARM64;
            if (arm64 && gic.version() == 2) {
                if (!d.dom0() && d.enhanced() != Enhanced.NONE) {
                    problems.add(Rule.GIC_XEN_GUEST, d.path(), "xen,enhanced makes this domain a Xen guest on the qemu "
                            + "engine, whose EL2 program injects interrupts through GICv3 list registers; the system's "
                            + "GIC is v2 (%s)", gic.source());
                }
                if (d.cpus() > GICV2_MAX_VCPUS) {
                    problems.add(Rule.GIC_VCPUS, d.path(), "cpus = <%d>: a GICv2 serves at most %d vCPUs, and the "
                            + "system's GIC is v2 (%s)", d.cpus(), GICV2_MAX_VCPUS, gic.source());
                }
            }
            boolean x86 = d.kernel() != null && d.kernel().image() != null && d.kernel().image().arch() == Arch.X86_64;
            if (!d.dom0() && x86 && d.deviceTree() != null) {
                problems.add(Rule.DTB_X86, d.deviceTree().path(), "an x86 guest boots without a device tree, so a partial "
                        + "one has nothing to merge into");
            } else if (!d.dom0()) {
                PartialDeviceTree.check(d.deviceTree(), problems);
            }
        }
        return gic;
    }
}
