package org.domus.fdt.internal.source;

import java.util.HashMap;
import java.util.Map;

/**
 * dtc's get_node_by_ref, get_node_by_label and get_node_by_path with their exact results (deleted nodes and
 * labels are invisible, the first match in tree order wins), but answered from indexes: a label map built in
 * one walk, and a memo of the paths found. Call {@link #nodesDeleted()} after deleting nodes. Nodes added
 * later (the generated fixup trees) carry no labels and are appended, so they never change a found answer;
 * paths that were not found are looked up again each time.
 */
final class Refs {
    private final LiveNode root;
    private Map<String, LiveNode> labels;
    private final Map<String, LiveNode> paths = new HashMap<>();

    Refs(LiveNode root) {
        this.root = root;
    }

    void nodesDeleted() {
        labels = null;
        paths.clear();
    }

    /** A reference as written after '&': "/" is the root, a leading '/' a path, anything else a label. */
    LiveNode byRef(String ref) {
        if (ref.equals("/")) {
            return root;
        }
        if (ref.startsWith("/")) {
            return byPath(ref);
        }
        if (ref.isEmpty()) {
            throw new DtcAbort("ERROR: empty label reference (dtc 1.6.1 asserts on it)");
        }
        return byLabel(ref);
    }

    LiveNode byLabel(String label) {
        if (labels == null) {
            Map<String, LiveNode> m = new HashMap<>();
            CheckContext.preorder(root, n -> {
                for (Label l : n.labels) {
                    if (!l.deleted) {
                        m.putIfAbsent(l.name, n);
                    }
                }
            });
            labels = m;
        }
        return labels.get(label);
    }

    LiveNode byPath(String path) {
        LiveNode n = paths.get(path);
        if (n == null) {
            n = lookUpPath(root, path);
            if (n != null) {
                paths.put(path, n);
            }
        }
        return n;
    }

    /** dtc's get_node_by_path, from {@code tree}; "" is the tree itself unless it is deleted. */
    static LiveNode lookUpPath(LiveNode tree, String path) {
        int i = 0;
        while (true) {
            if (i >= path.length()) {
                return tree.deleted ? null : tree;
            }
            while (i < path.length() && path.charAt(i) == '/') {
                i++;
            }
            int slash = path.indexOf('/', i);
            String part = slash < 0 ? path.substring(i) : path.substring(i, slash);
            LiveNode next = LiveTree.subnode(tree, part);
            if (next == null || slash < 0) {
                return next;
            }
            tree = next;
            i = slash + 1;
        }
    }
}
