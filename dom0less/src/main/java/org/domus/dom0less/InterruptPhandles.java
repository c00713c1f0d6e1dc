package org.domus.dom0less;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * Gives an interrupt controller another phandle, and every interrupt reference to it too: {@code interrupt-parent},
 * {@code interrupts-extended} and {@code interrupt-map}, the only places the device-tree specification lets an
 * interrupt specifier name its controller. A reference this cannot decode (a phandle no node has) is left alone.
 */
final class InterruptPhandles {
    private final Map<Integer, Node> byPhandle = new HashMap<>();
    private final int from;
    private final int to;

    private InterruptPhandles(Node root, int from, int to) {
        this.from = from;
        this.to = to;
        index(root);
    }

    /** {@code fdt} with phandle {@code from} renumbered {@code to} wherever it names an interrupt controller. */
    static Fdt renumber(Fdt fdt, int from, int to) {
        InterruptPhandles r = new InterruptPhandles(fdt.root(), from, to);
        return new Fdt(fdt.reservations(), fdt.bootCpuid(), r.rewrite(fdt.root()));
    }

    private void index(Node node) {
        for (String name : List.of("phandle", "linux,phandle")) {
            cell(node, name).ifPresent(v -> byPhandle.putIfAbsent(v, node));
        }
        node.children().forEach(this::index);
    }

    private Node rewrite(Node node) {
        List<Property> props = new ArrayList<>();
        for (Property p : node.properties()) {
            props.add(switch (p.name()) {
                case "phandle", "linux,phandle", "interrupt-parent" -> p.length() == 4 && p.cells()[0] == from
                        ? Property.ofCells(p.name(), to) : p;
                case "interrupts-extended" -> extended(p);
                case "interrupt-map" -> map(node, p);
                default -> p;
            });
        }
        return new Node(node.name(), props, node.children().stream().map(this::rewrite).toList());
    }

    /** Each entry: a controller's phandle, then as many cells as that controller's #interrupt-cells. */
    private Property extended(Property p) {
        if (p.length() % 4 != 0) {
            return p;
        }
        int[] c = p.cells();
        for (int i = 0; i < c.length; ) {
            Node target = byPhandle.get(c[i]);
            if (target == null) {
                return p;
            }
            if (c[i] == from) {
                c[i] = to;
            }
            i += 1 + cell(target, "#interrupt-cells").orElse(0);
        }
        return Property.ofCells(p.name(), c);
    }

    /**
     * Each entry: the child's unit address (the node's #address-cells) and interrupt (its #interrupt-cells), the
     * parent's phandle, then the parent's unit address and interrupt (the parent's #address-cells, 0 if absent, and
     * #interrupt-cells).
     */
    private Property map(Node node, Property p) {
        if (p.length() % 4 != 0) {
            return p;
        }
        int childCells = cell(node, "#address-cells").orElse(0) + cell(node, "#interrupt-cells").orElse(0);
        int[] c = p.cells();
        for (int i = childCells; i < c.length; ) {
            Node parent = byPhandle.get(c[i]);
            if (parent == null) {
                return p;
            }
            if (c[i] == from) {
                c[i] = to;
            }
            i += 1 + cell(parent, "#address-cells").orElse(0) + cell(parent, "#interrupt-cells").orElse(0) + childCells;
        }
        return Property.ofCells(p.name(), c);
    }

    private static Optional<Integer> cell(Node node, String name) {
        return node.property(name).filter(p -> p.length() == 4).map(p -> p.cells()[0]);
    }
}
