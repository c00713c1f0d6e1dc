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

    /** A path relative to {@code tree}; leading slashes are ignored, "" is {@code tree} itself unless deleted. */
    public static LiveNode byPath(LiveNode tree, String path) {
        LiveNode n = tree;
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        if (i == path.length()) {
            return n.deleted ? null : n;
        }
        while (true) {
            int slash = path.indexOf('/', i);
            String part = slash < 0 ? path.substring(i) : path.substring(i, slash);
            LiveNode next = subnode(n, part);
            if (next == null) {
                return null;
            }
            if (slash < 0) {
                return next;
            }
            n = next;
            i = slash + 1;
            while (i < path.length() && path.charAt(i) == '/') {
                i++;
            }
            if (i == path.length()) {
                return n.deleted ? null : n;
            }
        }
    }

    public static LiveNode byLabel(LiveNode tree, String label) {
        for (Label l : tree.labels) {
            if (!l.deleted && l.name.equals(label)) {
                return tree;
            }
        }
        for (LiveNode c : tree.children) {
            if (!c.deleted) {
                LiveNode found = byLabel(c, label);
                if (found != null) {
                    return found;
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
        for (LiveNode c : tree.children) {
            if (!c.deleted) {
                LiveNode found = byPhandle(c, phandle);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
