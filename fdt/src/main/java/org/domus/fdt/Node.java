package org.domus.fdt;

import java.util.List;
import java.util.Optional;

/**
 * One node of a device tree: its name (with unit address, e.g. {@code module@2000000}; the root's
 * name is empty), its properties and its children, each in tree order.
 */
public record Node(String name, List<Property> properties, List<Node> children) {
    public Node {
        properties = List.copyOf(properties);
        children = List.copyOf(children);
    }

    public Optional<Property> property(String propertyName) {
        for (Property p : properties) {
            if (p.name().equals(propertyName)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The child with this exact name, or, when {@code childName} has no unit address, the only child with that base name. */
    public Optional<Node> child(String childName) {
        Node byBase = null;
        int baseMatches = 0;
        for (Node c : children) {
            if (c.name.equals(childName)) {
                return Optional.of(c);
            }
            if (childName.indexOf('@') < 0 && c.baseName().equals(childName)) {
                byBase = c;
                baseMatches++;
            }
        }
        return baseMatches == 1 ? Optional.of(byBase) : Optional.empty();
    }

    /** Finds a node by a path relative to this one ("a/b@1" or "/a/b@1"); "" or "/" is this node. */
    public Optional<Node> find(String path) {
        Node n = this;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Optional<Node> next = n.child(part);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            n = next.get();
        }
        return Optional.of(n);
    }

    /** This node and its subtree as dtc prints them from a DTB, at the top level of indentation. */
    public String toDts() {
        return org.domus.fdt.internal.print.DtsPrinter.printNode(this);
    }

    /** The name without its unit address. */
    public String baseName() {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    /** The unit address after '@', or empty. */
    public String unitAddress() {
        int at = name.indexOf('@');
        return at < 0 ? "" : name.substring(at + 1);
    }
}
