package org.domus.fdt.internal.source;

import java.util.HashMap;
import java.util.Map;

/**
 * Phandle lookup and allocation with dtc 1.6.1's numbers. dtc keeps one counter for the whole run, starting
 * at 1, and hands out the first value at or above it that no visible node holds; the counter is not moved
 * past the value it hands out, so a value freed by a later deletion can be handed out again. New phandles are
 * written as a "phandle" property (dtc's default -H epapr) unless the node already has one.
 */
final class Phandles {
    private final LiveNode root;
    private final org.domus.fdt.BuildOptions.PhandleFormat format;
    private int next = 1;
    /** Visible nodes by phandle, first in tree order; null when it must be rebuilt. */
    private Map<Integer, LiveNode> byValue;

    Phandles(LiveNode root, org.domus.fdt.BuildOptions.PhandleFormat format) {
        this.root = root;
        this.format = format;
    }

    /** Forget the index after nodes were deleted. */
    void nodesDeleted() {
        byValue = null;
    }

    private Map<Integer, LiveNode> index() {
        if (byValue == null) {
            Map<Integer, LiveNode> m = new HashMap<>();
            CheckContext.preorder(root, n -> {
                if (n.phandle != 0 && !n.deleted) {
                    m.putIfAbsent(n.phandle, n);
                }
            });
            byValue = m;
        }
        return byValue;
    }

    /** dtc's get_node_by_phandle; 0 and -1 find nothing. */
    LiveNode node(int phandle) {
        if (phandle == 0 || phandle == -1) {
            return null;
        }
        return index().get(phandle);
    }

    /** Records a phandle set by the explicit_phandles check. */
    void assigned(LiveNode node) {
        index().putIfAbsent(node.phandle, node);
    }

    /** dtc's get_node_phandle: the node's phandle, allocating one (and its property) when it has none. */
    int phandleOf(LiveNode node) {
        if (node.phandle != 0 && node.phandle != -1) {
            return node.phandle;
        }
        Map<Integer, LiveNode> index = index();
        while (index.containsKey(next)) {
            next++;
        }
        node.phandle = next;
        index.put(next, node);
        // dtc's -H: legacy writes "linux,phandle", epapr "phandle", both the two, in that order
        if (format != org.domus.fdt.BuildOptions.PhandleFormat.EPAPR && LiveTree.property(node, "linux,phandle") == null) {
            node.properties.add(new LiveProperty("linux,phandle", new Data().appendInteger(next & 0xffffffffL, 32), null));
        }
        if (format != org.domus.fdt.BuildOptions.PhandleFormat.LEGACY && LiveTree.property(node, "phandle") == null) {
            node.properties.add(new LiveProperty("phandle", new Data().appendInteger(next & 0xffffffffL, 32), null));
        }
        return next;
    }
}
