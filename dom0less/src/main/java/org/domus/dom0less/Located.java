package org.domus.dom0less;

import org.domus.fdt.Node;

/** A node with its absolute path and its parent (null for the root): the fdt model's nodes know neither. */
record Located(Node node, String path, Located parent) {
    static Located root(Node root) {
        return new Located(root, "/", null);
    }

    Located child(Node child) {
        return new Located(child, (path.equals("/") ? "/" : path + "/") + child.name(), this);
    }

    String name() {
        return node.name();
    }

    boolean compatibleWith(String compatible) {
        return node.property("compatible").map(p -> p.strings().contains(compatible)).orElse(false);
    }
}
