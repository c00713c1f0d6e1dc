package org.domus.fdt.internal.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.domus.fdt.Node;
import org.domus.fdt.Property;

/** The live tree as the immutable public {@link Node}: deleted nodes and properties left out, as dtc's flattening does. */
final class Flattener {
    private Flattener() {
    }

    private static final class Frame {
        final LiveNode node;
        int next;
        final List<Node> children = new ArrayList<>();

        Frame(LiveNode node) {
            this.node = node;
        }
    }

    /** The root must not be deleted: {@link TreeBuilder} refuses such a tree before flattening. */
    static Node flatten(LiveNode root) {
        return flatten(root, org.domus.fdt.SourceLabels.NONE);
    }

    /** As {@link #flatten(LiveNode)}, recording every live label of the tree in {@code labels}. */
    static Node flatten(LiveNode root, org.domus.fdt.SourceLabels labels) {
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root));
        while (true) {
            Frame f = stack.peek();
            if (f.next < f.node.children.size()) {
                LiveNode c = f.node.children.get(f.next++);
                if (!c.deleted) {
                    stack.push(new Frame(c));
                }
                continue;
            }
            stack.pop();
            Node built = new Node(f.node.name, properties(f.node, labels), f.children);
            labels.put(built, names(f.node.labels));
            if (stack.isEmpty()) {
                return built;
            }
            stack.peek().children.add(built);
        }
    }

    private static List<Property> properties(LiveNode node, org.domus.fdt.SourceLabels labels) {
        List<Property> out = new ArrayList<>(node.properties.size());
        for (LiveProperty p : node.properties) {
            if (!p.deleted) {
                Property built = new Property(p.name, p.value.toByteArray());
                labels.put(built, names(p.labels));
                if (!p.value.markers.isEmpty()) {
                    List<org.domus.fdt.SourceLabels.ValueLabel> in = new ArrayList<>();
                    for (Marker m : p.value.markers) {
                        if (m.kind() == Marker.Kind.LABEL) {
                            in.add(new org.domus.fdt.SourceLabels.ValueLabel(m.ref(), m.offset()));
                        }
                    }
                    labels.putValueLabels(built, in);
                }
                out.add(built);
            }
        }
        return out;
    }

    /** The labels dtc's for_each_label visits: the live ones, in list order. */
    static List<String> names(List<Label> labels) {
        if (labels.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(labels.size());
        for (Label l : labels) {
            if (!l.deleted) {
                out.add(l.name);
            }
        }
        return out;
    }
}
