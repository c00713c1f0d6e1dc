package org.domus.fdt.internal.source;

/**
 * Lookups in a live tree with dtc's semantics: deleted nodes, properties and labels are invisible,
 * and the first match in depth-first tree order wins.
 */
public final class LiveTree {
    private LiveTree() {
    }

    public static LiveProperty property(LiveNode node, String name) {
        for (LiveProperty p : node.properties) {
            if (!p.deleted && p.name.equals(name)) {
                return p;
            }
        }
        return null;
    }

    public static LiveNode subnode(LiveNode node, String name) {
        for (LiveNode c : node.children) {
            if (!c.deleted && c.name.equals(name)) {
                return c;
            }
        }
        return null;
    }

    /**
     * A path relative to {@code tree}, as dtc's get_node_by_path: leading slashes of each step are skipped,
     * "" is {@code tree} itself unless deleted, a trailing "/" is allowed but "//" at the end finds nothing.
     */
    public static LiveNode byPath(LiveNode tree, String path) {
        LiveNode n = tree;
        int i = 0;
        for (;;) {
            if (i == path.length()) {
                return n.deleted ? null : n;
            }
            while (i < path.length() && path.charAt(i) == '/') {
                i++;
            }
            int slash = path.indexOf('/', i);
            LiveNode next = subnode(n, slash < 0 ? path.substring(i) : path.substring(i, slash));
            if (next == null || slash < 0) {
                return next;
            }
            n = next;
            i = slash + 1;
        }
    }

    /** The first node in depth-first order with a live label {@code label}; deleted subtrees are skipped. */
    public static LiveNode byLabel(LiveNode tree, String label) {
        java.util.ArrayDeque<LiveNode> todo = new java.util.ArrayDeque<>();
        todo.push(tree);
        while (!todo.isEmpty()) {
            LiveNode n = todo.pop();
            for (Label l : n.labels) {
                if (!l.deleted && l.name.equals(label)) {
                    return n;
                }
            }
            for (int i = n.children.size() - 1; i >= 0; i--) {
                LiveNode c = n.children.get(i);
                if (!c.deleted) {
                    todo.push(c);
                }
            }
        }
        return null;
    }

    /** A reference as written after '&': "/" or a path starting with '/', else a label. */
    public static LiveNode byRef(LiveNode tree, String ref) {
        if (ref.equals("/")) {
            return tree;
        }
        return ref.startsWith("/") ? byPath(tree, ref) : byLabel(tree, ref);
    }

    public static LiveNode byPhandle(LiveNode tree, int phandle) {
        if (phandle == 0 || phandle == -1) {
            return null;
        }
        if (tree.phandle == phandle) {
            return tree.deleted ? null : tree;
        }
        java.util.ArrayDeque<LiveNode> todo = new java.util.ArrayDeque<>();
        for (int i = tree.children.size() - 1; i >= 0; i--) {
            if (!tree.children.get(i).deleted) {
                todo.push(tree.children.get(i));
            }
        }
        while (!todo.isEmpty()) {
            LiveNode n = todo.pop();
            if (n.phandle == phandle) {
                return n;
            }
            for (int i = n.children.size() - 1; i >= 0; i--) {
                LiveNode c = n.children.get(i);
                if (!c.deleted) {
                    todo.push(c);
                }
            }
        }
        return null;
    }
}
