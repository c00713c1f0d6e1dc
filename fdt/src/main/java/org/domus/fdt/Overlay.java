package org.domus.fdt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a device-tree overlay the way libfdt's {@code fdt_overlay_apply} does (what U-Boot's {@code fdt apply}
 * and dtc's {@code fdtoverlay} run): the overlay's own phandles are moved above the base's highest, references
 * inside it follow ({@code __local_fixups__}), references to the base's labels are resolved through the base's
 * {@code __symbols__} ({@code __fixups__}), then each fragment's {@code __overlay__} is merged into its target
 * ({@code target = <&label>} or {@code target-path}), and the overlay's symbols are added to the base's.
 */
final class Overlay {
    private static final int NO_PHANDLE = 0xffffffff;

    private Overlay() {
    }

    static Fdt apply(Fdt base, Fdt overlay) {
        int delta = maxPhandle(base.root());
        Node ov = shiftPhandles(overlay.root(), delta);
        Optional<Node> local = ov.child("__local_fixups__");
        if (local.isPresent()) {
            ov = localFixups(ov, local.get(), delta);
        }
        Optional<Node> fixups = ov.child("__fixups__");
        if (fixups.isPresent()) {
            ov = externalFixups(base, ov, fixups.get());
        }
        Fdt result = base;
        List<String[]> symbols = new ArrayList<>();
        for (Node fragment : ov.children()) {
            Optional<Node> content = fragment.child("__overlay__");
            if (content.isEmpty()) {
                continue;
            }
            String target = target(result, fragment);
            result = result.edit(target, n -> merge(n, content.get()));
            symbols.add(new String[] {"/" + fragment.name() + "/__overlay__", target});
        }
        Optional<Node> ovSymbols = ov.child("__symbols__");
        if (ovSymbols.isPresent() && base.node("/__symbols__").isPresent()) {
            for (Property p : ovSymbols.get().properties()) {
                String path = p.string();
                for (String[] s : symbols) {
                    if (path.equals(s[0]) || path.startsWith(s[0] + "/")) {
                        String rebased = (s[1].equals("/") ? "" : s[1]) + path.substring(s[0].length());
                        Property q = Property.ofString(p.name(), rebased.isEmpty() ? "/" : rebased);
                        result = result.edit("/__symbols__", n -> n.withProperty(q));
                    }
                }
            }
        }
        return result;
    }

    private static String target(Fdt base, Node fragment) {
        Optional<Property> path = fragment.property("target-path");
        if (path.isPresent()) {
            String p = path.get().string();
            if (base.node(p).isEmpty()) {
                throw new IllegalArgumentException("overlay " + fragment.name() + ": target-path " + p + " is not in the tree");
            }
            return p;
        }
        Property t = fragment.property("target").orElseThrow(() ->
                new IllegalArgumentException("overlay " + fragment.name() + " has neither target nor target-path"));
        int[] cells = t.cells();
        if (cells.length != 1) {
            throw new IllegalArgumentException("overlay " + fragment.name() + ": target is not one phandle");
        }
        String found = findPhandle(base.root(), "", cells[0]);
        if (found == null) {
            throw new IllegalArgumentException("overlay %s: no node has phandle 0x%x".formatted(fragment.name(), cells[0]));
        }
        return found;
    }

    /** Merges overlay content into a node: properties set as fdt_setprop sets them, subnodes added or merged. */
    private static Node merge(Node target, Node content) {
        Node n = target;
        for (Property p : content.properties()) {
            n = n.withProperty(p);
        }
        for (Node child : content.children()) {
            Optional<Node> existing = n.children().stream().filter(c -> c.name().equals(child.name())).findFirst();
            if (existing.isPresent()) {
                n = n.replacingChild(existing.get(), merge(existing.get(), child));
            } else {
                n = n.withChild(merge(new Node(child.name(), List.of(), List.of()), child));
            }
        }
        return n;
    }

    private static int maxPhandle(Node n) {
        int max = 0;
        for (Property p : n.properties()) {
            if ((p.name().equals("phandle") || p.name().equals("linux,phandle")) && p.length() == 4) {
                int v = p.cells()[0];
                if (v != NO_PHANDLE && Integer.compareUnsigned(v, max) > 0) {
                    max = v;
                }
            }
        }
        for (Node c : n.children()) {
            int m = maxPhandle(c);
            if (Integer.compareUnsigned(m, max) > 0) {
                max = m;
            }
        }
        return max;
    }

    private static Node shiftPhandles(Node n, int delta) {
        List<Property> props = new ArrayList<>();
        for (Property p : n.properties()) {
            if ((p.name().equals("phandle") || p.name().equals("linux,phandle")) && p.length() == 4
                    && p.cells()[0] != 0 && p.cells()[0] != NO_PHANDLE) {
                props.add(Property.ofCells(p.name(), p.cells()[0] + delta));
            } else {
                props.add(p);
            }
        }
        return new Node(n.name(), props, n.children().stream().map(c -> shiftPhandles(c, delta)).toList());
    }

    /** __local_fixups__ mirrors the overlay: each property lists byte offsets of phandles to shift by delta. */
    private static Node localFixups(Node n, Node fixups, int delta) {
        Node out = n;
        for (Property f : fixups.properties()) {
            Property p = n.property(f.name()).orElseThrow(() ->
                    new IllegalArgumentException("__local_fixups__ names property " + f.name() + " that " + n.name() + " lacks"));
            byte[] v = p.value();
            for (int offset : f.cells()) {
                int old = Property.cell(v, offset);
                Property.putCell(v, offset, old + delta);
            }
            out = out.withProperty(new Property(p.name(), v));
        }
        for (Node fc : fixups.children()) {
            Node child = out.child(fc.name()).orElseThrow(() ->
                    new IllegalArgumentException("__local_fixups__ names node " + fc.name() + " that " + n.name() + " lacks"));
            out = out.replacingChild(child, localFixups(child, fc, delta));
        }
        return out;
    }

    /** __fixups__: label = "path:property:offset"…; the base's __symbols__ names the node whose phandle goes there. */
    private static Node externalFixups(Fdt base, Node overlay, Node fixups) {
        Node out = overlay;
        for (Property f : fixups.properties()) {
            String label = f.name();
            String path = base.node("/__symbols__").flatMap(s -> s.property(label)).map(Property::string).orElseThrow(() ->
                    new IllegalArgumentException("overlay refers to label " + label + ", which the tree's __symbols__ "
                            + "does not have (was it compiled with dtc -@?)"));
            Node target = base.node(path).orElseThrow(() -> new IllegalArgumentException("symbol " + label + " names " + path + ", which is not in the tree"));
            int phandle = target.property("phandle").or(() -> target.property("linux,phandle")).map(p -> p.cells()[0])
                    .orElseThrow(() -> new IllegalArgumentException("node " + path + " (" + label + ") has no phandle"));
            for (String ref : f.strings()) {
                String[] parts = ref.split(":");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("bad fixup \"" + ref + "\"");
                }
                int offset = Integer.parseInt(parts[2]);
                String prop = parts[1];
                Fdt tmp = new Fdt(List.of(), 0, out);
                out = tmp.edit(parts[0], n -> {
                    Property p = n.property(prop).orElseThrow(() -> new IllegalArgumentException("fixup " + ref + ": no such property"));
                    byte[] v = p.value();
                    Property.putCell(v, offset, phandle);
                    return n.withProperty(new Property(prop, v));
                }).root();
            }
        }
        return out;
    }

    private static String findPhandle(Node n, String path, int phandle) {
        for (Property p : n.properties()) {
            if ((p.name().equals("phandle") || p.name().equals("linux,phandle")) && p.length() == 4 && p.cells()[0] == phandle) {
                return path.isEmpty() ? "/" : path;
            }
        }
        for (Node c : n.children()) {
            String found = findPhandle(c, path + "/" + c.name(), phandle);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
