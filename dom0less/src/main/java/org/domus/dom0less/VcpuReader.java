package org.domus.dom0less;

import java.util.BitSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.domus.fdt.Property;

/**
 * Reads a {@code xen,vcpu} sub-node: vCPU {@code id} may run only on the pCPUs of {@code hard-affinity}
 * (domain_vcpu_affinity in dom0less-build.c). Without {@code hard-affinity} the vCPU is not pinned, which the
 * model says with an empty set.
 */
final class VcpuReader {
    static final String COMPATIBLE = "xen,vcpu";

    private final ReadContext ctx;

    VcpuReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /** @param cpus the domain's vCPU count, or -1 when unknown (then ids are not range-checked) */
    Optional<VcpuAffinity> read(Located at, long cpus) {
        Problems problems = ctx.problems;
        KnownProperties.check(at, KnownProperties.VCPU, Map.of(), problems);
        OptionalLong id = at.node().property("id").map(Values::u32).orElse(OptionalLong.empty());
        if (id.isEmpty()) {
            problems.add(Rule.VCPU_ID_MISSING, at.path(), "xen,vcpu node without an \"id\" cell (Xen: \"Invalid xen,vcpu node\")");
            return Optional.empty();
        }
        if (cpus >= 0 && id.getAsLong() >= cpus) {
            problems.add(Rule.VCPU_ID_RANGE, at.path(), "id %d is not below the domain's cpus %d (Xen: \"Invalid vcpu_id\")",
                    id.getAsLong(), cpus);
        }
        Optional<Property> affinity = at.node().property("hard-affinity");
        if (affinity.isEmpty()) {
            return Optional.of(new VcpuAffinity(at.path(), (int) id.getAsLong(), new BitSet()));
        }
        String text = affinity.get().string();
        CpuList list;
        try {
            list = CpuList.parse(text);
        } catch (CpuList.SyntaxException e) {
            problems.add(Rule.VCPU_AFFINITY_SYNTAX, at.path(), "hard-affinity \"%s\" %s (write a list such as \"0-3,6\")",
                    text, e.getMessage());
            return Optional.empty();
        }
        int hostCpus = ctx.host.cpus();
        String beyond = list.atOrAbove(hostCpus);
        if (!beyond.isEmpty()) {
            problems.add(Rule.VCPU_AFFINITY_CPU, at.path(), "hard-affinity \"%s\" names pCPU %s, the host has %d CPUs "
                    + "(0-%d) (Xen: \"Invalid pCPU\")", text, beyond, hostCpus, hostCpus - 1);
        }
        return Optional.of(new VcpuAffinity(at.path(), (int) id.getAsLong(), list.below(hostCpus)));
    }
}
