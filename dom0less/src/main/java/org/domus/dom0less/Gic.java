package org.domus.dom0less;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * The GIC version every domain of the system gets: Xen gives a domU a virtual GIC of the host's own version, so it is
 * read from the system tree's interrupt controller when the tree has one (a board's tree does; a tree of /chosen
 * alone does not), else the user's choice, else GICv3 (QEMU virt's default for Arm64 here).
 *
 * @param version 2 or 3
 * @param source  where the version comes from, as the plan says it: "/interrupt-controller@8000000 (arm,gic-400)",
 *                "--gic-version", "default"
 */
public record Gic(int version, String source) {
    static final int DEFAULT_VERSION = 3;
    /** The compatibles of Xen 4.17's GIC drivers (gic-v2.c: a15, a7, gic-400; gic-v3.c), and an A9's GIC, a v2 too. */
    static final Map<String, Integer> COMPATIBLES = Map.of("arm,gic-400", 2, "arm,cortex-a15-gic", 2,
            "arm,cortex-a9-gic", 2, "arm,cortex-a7-gic", 2, "arm,gic-v3", 3);

    /** The version of the tree's interrupt controller, or the host's choice, or the default; a conflict is an error. */
    static Gic of(Node root, Host host, Problems problems) {
        Optional<Located> intc = find(Located.root(root));
        if (intc.isPresent()) {
            String compatible = compatible(intc.get().node()).orElseThrow();
            int version = COMPATIBLES.get(compatible);
            if (host.gicVersion() != 0 && host.gicVersion() != version) {
                problems.add(Rule.GIC_VERSION, intc.get().path(), "the system's interrupt controller is GICv%d (%s), "
                        + "which its domains get as Xen gives them; --gic-version %d contradicts it", version, compatible, host.gicVersion());
            }
            return new Gic(version, "%s (%s)".formatted(intc.get().path(), compatible));
        }
        return host.gicVersion() != 0 ? new Gic(host.gicVersion(), "--gic-version") : new Gic(DEFAULT_VERSION, "default");
    }

    /** The first node, depth first outside /chosen, that is an interrupt controller of a GIC Xen knows. */
    private static Optional<Located> find(Located at) {
        for (Node child : at.node().children()) {
            if (at.path().equals("/") && child.baseName().equals("chosen")) {
                continue;
            }
            Located c = at.child(child);
            if (child.property("interrupt-controller").isPresent() && compatible(child).isPresent()) {
                return Optional.of(c);
            }
            Optional<Located> below = find(c);
            if (below.isPresent()) {
                return below;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> compatible(Node node) {
        List<String> all = node.property("compatible").map(Property::strings).orElse(List.of());
        return all.stream().filter(COMPATIBLES::containsKey).findFirst();
    }

    /** "GICv3 (default)", as the plan prints it. */
    @Override
    public String toString() {
        return "GICv%d (%s)".formatted(version, source);
    }
}
