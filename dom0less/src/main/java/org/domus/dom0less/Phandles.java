package org.domus.dom0less;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * Every node of the tree by its {@code phandle} (or legacy {@code linux,phandle}), so that a cell such as
 * {@code domain-cpupool = <&pool>} can be followed. The first node with a value wins, as in Xen's lookup.
 */
final class Phandles {
    private final Map<Integer, Located> byPhandle = new HashMap<>();

    Phandles(Node root) {
        // iterative: a deep tree must not overflow the stack
        Deque<Located> todo = new ArrayDeque<>();
        todo.push(Located.root(root));
        while (!todo.isEmpty()) {
            Located at = todo.pop();
            phandleOf(at.node()).ifPresent(ph -> byPhandle.putIfAbsent(ph, at));
            var children = at.node().children();
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(at.child(children.get(i)));
            }
        }
    }

    Optional<Located> find(int phandle) {
        return Optional.ofNullable(byPhandle.get(phandle));
    }

    static Optional<Integer> phandleOf(Node node) {
        for (String name : new String[] {"phandle", "linux,phandle"}) {
            Optional<Property> p = node.property(name);
            if (p.isPresent() && p.get().length() >= 4) {
                return Optional.of((int) Values.cell(p.get().value(), 0));
            }
        }
        return Optional.empty();
    }
}
