package org.domus.dom0less;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.Node;
import org.domus.fdt.Property;
import org.domus.image.ImageFormat;

/**
 * A domU's {@code multiboot,device-tree} module, taken as Xen's dom0less builder takes it (domain_handle_dtb_bootmodule):
 * of its top-level nodes only three count. {@code /passthrough} is copied whole into the guest tree's root (a
 * {@code simple-bus} whose children are the guest's devices), {@code /aliases} too, and {@code /gic} is a placeholder
 * whose phandle stands for the guest's own interrupt controller; the rest is ignored. Xen also assigns the host
 * device a passthrough node names ({@code xen,reg}, {@code xen,path}, {@code xen,force-assign-without-iommu}), which
 * a hosted engine cannot: such a node is refused at plan time.
 */
public final class PartialDeviceTree {
    /** Xen's GUEST_PHANDLE_GIC: the guest's own nodes take phandles from here, the partial tree's stay below. */
    static final int GUEST_PHANDLE_GIC = 65000;
    /** QEMU numbers the phandles of the tree it makes from here (a handful); the qemu engine's guests boot on it. */
    static final int QEMU_PHANDLES = 0x8000;
    static final int QEMU_PHANDLES_END = 0x8100;
    static final Set<String> TAKEN = Set.of("gic", "aliases", "passthrough");
    static final List<String> DEVICE_ASSIGNMENT = List.of("xen,reg", "xen,path", "xen,force-assign-without-iommu");

    private PartialDeviceTree() {
    }

    /** What the plan says of it: "/passthrough (foo, bar), /aliases (net); /gic is the guest's GIC". */
    public static String describe(BootModule dtb) {
        Optional<Fdt> fdt = parse(dtb);
        if (fdt.isEmpty()) {
            return "?";
        }
        List<String> parts = new ArrayList<>();
        fdt.get().node("/passthrough").ifPresent(n -> parts.add("/passthrough (%s)".formatted(
                n.children().isEmpty() ? "empty" : String.join(", ", n.children().stream().map(Node::name).toList()))));
        fdt.get().node("/aliases").ifPresent(n -> parts.add("/aliases (%s)".formatted(
                String.join(", ", n.properties().stream().map(Property::name).toList()))));
        String merged = parts.isEmpty() ? "nothing (no /passthrough or /aliases)" : String.join(", ", parts);
        return fdt.get().node("/gic").isPresent() ? merged + "; /gic is the guest's GIC" : merged;
    }

    /** The plan's problems with the partial tree of the domain at {@code domainPath}. */
    static void check(BootModule dtb, Problems problems) {
        if (dtb == null || dtb.bytes() == null || dtb.image() == null || dtb.image().format() != ImageFormat.DTB) {
            return; // a missing or non-DTB module is said where modules are read
        }
        Fdt fdt;
        try {
            fdt = Fdt.fromDtb(dtb.bytes().toArray());
        } catch (FdtException e) {
            problems.add(Rule.DTB_PARTIAL, dtb.path(), "the partial device tree cannot be read: %s", e.getMessage());
            return;
        }
        for (Node top : fdt.root().children()) {
            if (!TAKEN.contains(top.name())) {
                problems.add(Rule.DTB_IGNORED, dtb.path(), "partial device tree node /%s is ignored: Xen takes only "
                        + "/passthrough, /aliases and /gic", top.name());
            }
        }
        fdt.node("/passthrough").ifPresent(n -> checkPassthrough(n, "/passthrough", dtb.path(), problems));
        phandles(fdt.root(), "/", new HashMap<>()).forEach((phandle, path) -> {
            if (Integer.toUnsignedLong(phandle) >= GUEST_PHANDLE_GIC - 1) {
                problems.add(Rule.DTB_PHANDLE, dtb.path(), "partial device tree node %s has phandle %d: Xen numbers the "
                        + "guest's own nodes from %d, so a partial tree's phandles stay below %d", path,
                        Integer.toUnsignedLong(phandle), GUEST_PHANDLE_GIC, GUEST_PHANDLE_GIC - 1);
            } else if (phandle >= QEMU_PHANDLES && phandle < QEMU_PHANDLES_END) {
                problems.add(Rule.DTB_PHANDLE_QEMU, dtb.path(), "partial device tree node %s has phandle 0x%x: the qemu "
                        + "engine's guest tree is QEMU's, whose own phandles start at 0x%x; a domain whose phandle "
                        + "QEMU uses too is refused at boot", path, phandle, QEMU_PHANDLES);
            }
        });
    }

    private static void checkPassthrough(Node node, String path, String module, Problems problems) {
        List<String> assign = DEVICE_ASSIGNMENT.stream().filter(p -> node.property(p).isPresent()).toList();
        if (!assign.isEmpty()) {
            problems.add(Rule.DTB_PASSTHROUGH, module, "partial device tree node %s has %s: assigning a host device to a "
                    + "guest needs the host's device and Xen's IOMMU, which the qemu engine has not", path, String.join(", ", assign));
        }
        for (Node child : node.children()) {
            checkPassthrough(child, path + "/" + child.name(), module, problems);
        }
    }

    /**
     * {@code guest} (a guest's whole device tree) with {@code partial} merged as Xen merges it: {@code /passthrough}
     * copied into the root, {@code /aliases}' properties added to the guest's, and the guest's interrupt controller
     * (its root's {@code interrupt-parent}) given the {@code /gic} placeholder's phandle, every interrupt reference to
     * it following, so that whatever in the partial tree names {@code /gic} names the guest's GIC.
     *
     * @param where the module's path, for messages
     * @throws IllegalArgumentException when the trees cannot be merged (a phandle both use), naming {@code where}
     */
    public static byte[] merge(byte[] guest, byte[] partial, String where) {
        Fdt g;
        Fdt p;
        try {
            g = Fdt.fromDtb(guest);
            p = Fdt.fromDtb(partial);
        } catch (FdtException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        Map<Integer, String> taken = phandles(g.root(), "/", new HashMap<>());
        int placeholder = p.node("/gic").flatMap(n -> cell(n, "phandle").or(() -> cell(n, "linux,phandle"))).orElse(0);
        int guestGic = cell(g.root(), "interrupt-parent").orElse(0);
        if (placeholder != 0 && guestGic != 0 && placeholder != guestGic) {
            if (taken.containsKey(placeholder)) {
                throw new IllegalArgumentException("%s: partial device tree node /gic has phandle 0x%x, which the guest's %s has too: renumber the partial tree's phandles"
                        .formatted(where, placeholder, taken.get(placeholder)));
            }
            g = InterruptPhandles.renumber(g, guestGic, placeholder);
            taken.put(placeholder, taken.remove(guestGic));
        }
        Optional<Node> passthrough = p.node("/passthrough");
        Optional<Node> aliases = p.node("/aliases");
        for (Node n : List.of(passthrough, aliases).stream().flatMap(Optional::stream).toList()) {
            phandles(n, "/" + n.name(), new HashMap<>()).forEach((phandle, path) -> {
                if (taken.containsKey(phandle)) {
                    throw new IllegalArgumentException("%s: partial device tree node %s has phandle 0x%x, which the guest's %s has too: renumber the partial tree's phandles"
                            .formatted(where, path, phandle, taken.get(phandle)));
                }
            });
        }
        if (passthrough.isPresent()) {
            Node copy = copied(passthrough.get());
            g = g.edit("/", r -> r.child("passthrough").map(old -> r.replacingChild(old, copy)).orElseGet(() -> r.withChild(copy)));
        }
        if (aliases.isPresent()) {
            Node add = aliases.get();
            g = g.edit("/", r -> {
                Optional<Node> old = r.child("aliases");
                Node merged = old.orElseGet(() -> new Node("aliases", List.of(), List.of()));
                for (Property a : add.properties()) {
                    merged = merged.withProperty(a);
                }
                return old.isPresent() ? r.replacingChild(old.get(), merged) : r.withChild(merged);
            });
        }
        return g.toDtb();
    }

    /** A passthrough node as Xen copies it: without the device-assignment properties. */
    private static Node copied(Node node) {
        List<Property> props = node.properties().stream().filter(p -> !DEVICE_ASSIGNMENT.contains(p.name())).toList();
        return new Node(node.name(), props, node.children().stream().map(PartialDeviceTree::copied).toList());
    }

    private static Optional<Integer> cell(Node node, String name) {
        return node.property(name).filter(p -> p.length() == 4).map(p -> p.cells()[0]);
    }

    /** Every phandle under {@code node} with the path of the node holding it. */
    private static Map<Integer, String> phandles(Node node, String path, Map<Integer, String> out) {
        for (String name : List.of("phandle", "linux,phandle")) {
            cell(node, name).filter(v -> v != 0 && v != -1).ifPresent(v -> out.putIfAbsent(v, path));
        }
        for (Node child : node.children()) {
            phandles(child, (path.equals("/") ? "" : path) + "/" + child.name(), out);
        }
        return out;
    }

    private static Optional<Fdt> parse(BootModule dtb) {
        if (dtb == null || dtb.bytes() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Fdt.fromDtb(dtb.bytes().toArray()));
        } catch (FdtException e) {
            return Optional.empty();
        }
    }
}
