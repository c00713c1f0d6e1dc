package org.domus.xenstore;

import java.util.ArrayList;
import java.util.List;

/**
 * One node of the tree, immutable: its value (any bytes), permissions, children's names in the order they were
 * created (xenstore-ls shows that order), and the generation of its last change. A change makes a new Node;
 * adding or removing a child changes the parent too, which is what makes DIRECTORY conflict in transactions.
 *
 * @param generation a store-wide counter value, unique per change; 0 while the node sits in a transaction
 */
record Node(byte[] value, Perms perms, List<String> children, long generation) {
    static final byte[] EMPTY = new byte[0];

    Node {
        children = List.copyOf(children);
    }

    static Node empty(Perms perms) {
        return new Node(EMPTY, perms, List.of(), 0);
    }

    Node withValue(byte[] v) {
        return new Node(v, perms, children, 0);
    }

    Node withPerms(Perms p) {
        return new Node(value, p, children, 0);
    }

    Node withChild(String name) {
        List<String> c = new ArrayList<>(children.size() + 1);
        c.addAll(children);
        c.add(name);
        return new Node(value, perms, c, 0);
    }

    Node withoutChild(String name) {
        List<String> c = new ArrayList<>(children);
        c.remove(name);
        return new Node(value, perms, c, 0);
    }

    Node withGeneration(long g) {
        return new Node(value, perms, children, g);
    }
}
