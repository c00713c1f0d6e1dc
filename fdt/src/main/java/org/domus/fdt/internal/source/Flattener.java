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
            Node built = new Node(f.node.name, properties(f.node), f.children);
            if (stack.isEmpty()) {
                return built;
            }
            stack.peek().children.add(built);
        }
    }

    private static List<Property> properties(LiveNode node) {
        List<Property> out = new ArrayList<>(node.properties.size());
        for (LiveProperty p : node.properties) {
            if (!p.deleted) {
                out.add(new Property(p.name, p.value.toByteArray()));
            }
        }
        return out;
    }
}
