package org.domus.fdt;

import java.util.ArrayList;
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

    /**
     * This node with {@code p} set: an existing property of that name keeps its place and takes the new value, a new
     * one goes first, before the other properties, where libfdt's {@code fdt_setprop} puts it (so that a tree edited
     * here prints as the same tree edited by U-Boot's {@code fdt set} or by {@code fdtput}).
     */
    public Node withProperty(Property p) {
        List<Property> props = new ArrayList<>(properties);
        for (int i = 0; i < props.size(); i++) {
            if (props.get(i).name().equals(p.name())) {
                props.set(i, p);
                return new Node(name, props, children);
            }
        }
        props.addFirst(p);
        return new Node(name, props, children);
    }

    /** This node without the property {@code propertyName}; unchanged when it has none. */
    public Node withoutProperty(String propertyName) {
        return new Node(name, properties.stream().filter(p -> !p.name().equals(propertyName)).toList(), children);
    }

    /**
     * This node with {@code child} added as its first child, where libfdt's {@code fdt_add_subnode} puts a new node
     * (after the properties, before the other children).
     *
     * @throws IllegalArgumentException when a child of that exact name exists
     */
    public Node withChild(Node child) {
        if (children.stream().anyMatch(c -> c.name.equals(child.name))) {
            throw new IllegalArgumentException("node " + child.name + " already exists");
        }
        List<Node> kids = new ArrayList<>(children);
        kids.addFirst(child);
        return new Node(name, properties, kids);
    }

    /** This node with the child {@code old} (the same record, as {@link #child} found it) replaced by {@code replacement}, or removed when null. */
    public Node replacingChild(Node old, Node replacement) {
        List<Node> kids = new ArrayList<>(children.size());
        boolean found = false;
        for (Node c : children) {
            if (!found && c == old) {
                found = true;
                if (replacement != null) {
                    kids.add(replacement);
                }
            } else {
                kids.add(c);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("node " + old.name + " is not a child of " + (name.isEmpty() ? "/" : name));
        }
        return new Node(name, properties, kids);
    }

    /** This node and its subtree as dtc prints them from a DTB, at the top level of indentation. */
    public String toDts() {
        return org.domus.fdt.internal.print.DtsPrinter.printNode(this);
    }

    /** A one-line summary: a whole subtree would be unreadable in a message and deep recursion on big trees. */
    @Override
    public String toString() {
        return "Node[" + (name.isEmpty() ? "/" : name) + ", " + properties.size() + " properties, "
                + children.size() + " children]";
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
