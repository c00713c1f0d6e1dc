package org.domus.fdt.internal.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tree-building operations of dtc's parser, with its semantics: labels are added at the front of
 * their list (or revived), a node defined again is merged into the first one (later properties replace
 * earlier ones in place, even deleted ones), deletions only set flags, and /plugin/ references to
 * unknown nodes become {@code fragment@N} nodes.
 *
 * <p>Lookups by name and by label go through indexes kept here, so that building stays linear in the
 * size of the source. The lists of the live tree only grow while parsing, which keeps the indexes right.
 */
final class TreeEditor {
    /** Below this many entries a list is scanned rather than indexed. */
    private static final int INDEX_THRESHOLD = 8;

    /** Every node that was ever given each label; {@link #byLabel} filters them. */
    private final Map<String, List<LiveNode>> labelled = new HashMap<>();
    private final IdentityHashMap<LiveNode, NameIndex> indexes = new IdentityHashMap<>();
    private int nextFragment;

    /** First property and child of each name, deleted or not, for one node's lists. */
    private static final class NameIndex {
        final Map<String, LiveProperty> properties = new HashMap<>();
        final Map<String, Object> children = new HashMap<>();
        int propertiesSeen;
        int childrenSeen;
    }

    // ---- labels ----

    /** dtc's add_label: revives a label of that name if there is one, else puts a new one first. */
    static boolean addLabel(List<Label> labels, String name) {
        for (Label l : labels) {
            if (l.name.equals(name)) {
                l.deleted = false;
                return false;
            }
        }
        labels.addFirst(new Label(name));
        return true;
    }

    void addLabel(LiveNode node, String name) {
        if (addLabel(node.labels, name)) {
            labelled.computeIfAbsent(name, k -> new ArrayList<>(1)).add(node);
        }
    }

    // ---- lookups ----

    /** dtc's get_node_by_ref: "/" is the root, "/..." a path, anything else a label. */
    LiveNode byRef(LiveNode root, String ref) {
        if (ref.equals("/")) {
            return root;
        }
        return ref.startsWith("/") ? byPath(root, ref) : byLabel(root, ref);
    }

    private LiveNode byPath(LiveNode node, String path) {
        int i = 0;
        for (;;) {
            if (i == path.length()) {
                return node.deleted ? null : node;
            }
            while (i < path.length() && path.charAt(i) == '/') {
                i++;
            }
            int slash = path.indexOf('/', i);
            LiveNode child = liveChild(node, slash < 0 ? path.substring(i) : path.substring(i, slash));
            if (child == null || slash < 0) {
                return child;
            }
            node = child;
            i = slash + 1;
        }
    }

    /** The first node in tree order with a live label {@code label} whose path from the root is live. */
    private LiveNode byLabel(LiveNode root, String label) {
        List<LiveNode> candidates = labelled.get(label);
        if (candidates == null) {
            return null;
        }
        LiveNode found = null;
        for (LiveNode n : candidates) {
            if (reachable(root, n, label)) {
                if (found != null) {
                    return LiveTree.byLabel(root, label);
                }
                found = n;
            }
        }
        return found;
    }

    private static boolean reachable(LiveNode root, LiveNode node, String label) {
        boolean live = false;
        for (Label l : node.labels) {
            if (!l.deleted && l.name.equals(label)) {
                live = true;
                break;
            }
        }
        if (!live) {
            return false;
        }
        for (LiveNode n = node; n != root; n = n.parent) {
            if (n == null || n.deleted) {
                return false;
            }
        }
        return true;
    }

    private NameIndex index(LiveNode node) {
        NameIndex ix = indexes.get(node);
        if (ix == null) {
            ix = new NameIndex();
            indexes.put(node, ix);
        }
        List<LiveProperty> props = node.properties;
        for (int i = ix.propertiesSeen; i < props.size(); i++) {
            ix.properties.putIfAbsent(props.get(i).name, props.get(i));
        }
        ix.propertiesSeen = props.size();
        List<LiveNode> kids = node.children;
        for (int i = ix.childrenSeen; i < kids.size(); i++) {
            LiveNode c = kids.get(i);
            Object prev = ix.children.putIfAbsent(c.name, c);
            if (prev instanceof LiveNode single) {
                List<LiveNode> same = new ArrayList<>(2);
                same.add(single);
                same.add(c);
                ix.children.put(c.name, same);
            } else if (prev != null) {
                @SuppressWarnings("unchecked")
                List<LiveNode> same = (List<LiveNode>) prev;
                same.add(c);
            }
        }
        ix.childrenSeen = kids.size();
        return ix;
    }

    /** The first property named {@code name}, deleted or not. */
    private LiveProperty firstProperty(LiveNode node, String name) {
        if (node.properties.size() < INDEX_THRESHOLD) {
            for (LiveProperty p : node.properties) {
                if (p.name.equals(name)) {
                    return p;
                }
            }
            return null;
        }
        return index(node).properties.get(name);
    }

    /** The first child named {@code name}, deleted or not. */
    private LiveNode firstChild(LiveNode node, String name) {
        if (node.children.size() < INDEX_THRESHOLD) {
            for (LiveNode c : node.children) {
                if (c.name.equals(name)) {
                    return c;
                }
            }
            return null;
        }
        Object o = index(node).children.get(name);
        if (o instanceof List<?> same) {
            return (LiveNode) same.getFirst();
        }
        return (LiveNode) o;
    }

    /** The first child named {@code name} that is not deleted. */
    private LiveNode liveChild(LiveNode node, String name) {
        if (node.children.size() < INDEX_THRESHOLD) {
            for (LiveNode c : node.children) {
                if (!c.deleted && c.name.equals(name)) {
                    return c;
                }
            }
            return null;
        }
        Object o = index(node).children.get(name);
        if (o instanceof List<?> same) {
            for (Object c : same) {
                if (!((LiveNode) c).deleted) {
                    return (LiveNode) c;
                }
            }
            return null;
        }
        LiveNode c = (LiveNode) o;
        return c == null || c.deleted ? null : c;
    }

    // ---- edits ----

    /** One merge in progress: {@code from} into {@code into}, children before {@code next} done. */
    private static final class Merge {
        final LiveNode into;
        final LiveNode from;
        int next = -1;

        Merge(LiveNode into, LiveNode from) {
            this.into = into;
            this.from = from;
        }
    }

    /**
     * dtc's merge_nodes: everything {@code add} defines goes into {@code old}; {@code add} is used up. A child
     * defined in both is merged completely before the next child is looked at, as dtc's recursion does
     * (the order matters when a later child deletes what an earlier one merged into); an explicit stack
     * stands in for the recursion.
     */
    void merge(LiveNode old, LiveNode add) {
        ArrayDeque<Merge> stack = new ArrayDeque<>();
        stack.push(new Merge(old, add));
        while (!stack.isEmpty()) {
            Merge m = stack.peek();
            if (m.next < 0) {
                mergeOwn(m.into, m.from);
                m.next = 0;
            }
            List<LiveNode> kids = m.from.children;
            Merge descend = null;
            while (descend == null && m.next < kids.size()) {
                LiveNode child = kids.get(m.next++);
                child.parent = null;
                LiveNode same = firstChild(m.into, child.name);
                if (child.deleted) {
                    if (same != null) {
                        deleteNode(same);
                    }
                } else if (same != null) {
                    descend = new Merge(same, child);
                } else {
                    child.parent = m.into;
                    m.into.children.add(child);
                }
            }
            if (descend != null) {
                stack.push(descend);
            } else {
                if (m.into.pos == null) {
                    m.into.pos = m.from.pos;
                }
                stack.pop();
            }
        }
    }

    /** The labels and properties part of a merge. */
    private void mergeOwn(LiveNode into, LiveNode from) {
        into.deleted = false;
        for (Label l : from.labels) {
            addLabel(into, l.name);
        }
        for (LiveProperty p : from.properties) {
            if (p.deleted) {
                LiveProperty victim = firstProperty(into, p.name);
                if (victim != null) {
                    deleteProperty(victim);
                }
                continue;
            }
            LiveProperty same = firstProperty(into, p.name);
            if (same != null) {
                for (Label l : p.labels) {
                    addLabel(same.labels, l.name);
                }
                same.value = p.value;
                same.deleted = false;
                same.pos = p.pos;
            } else {
                into.properties.add(p);
            }
        }
    }

    /** dtc's delete_node: the node, its live subtree, their properties and labels are marked deleted. */
    static void deleteNode(LiveNode node) {
        ArrayDeque<LiveNode> todo = new ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty()) {
            LiveNode n = todo.pop();
            n.deleted = true;
            for (LiveNode c : n.children) {
                if (!c.deleted) {
                    todo.push(c);
                }
            }
            for (LiveProperty p : n.properties) {
                if (!p.deleted) {
                    deleteProperty(p);
                }
            }
            for (Label l : n.labels) {
                l.deleted = true;
            }
        }
    }

    static void deleteProperty(LiveProperty p) {
        p.deleted = true;
        for (Label l : p.labels) {
            l.deleted = true;
        }
    }

    /**
     * dtc's add_orphan_node, for /plugin/ references it cannot resolve: a new {@code fragment@N} child of
     * {@code root} with {@code target = <&ref>} (or {@code target-path = "ref"}) and {@code overlay},
     * renamed {@code __overlay__}, below it.
     */
    void addOrphan(LiveNode root, LiveNode overlay, String ref) {
        Data d = new Data();
        LiveProperty target;
        if (ref.startsWith("/")) {
            d.append(ref.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).appendByte(0);
            target = new LiveProperty("target-path", d, null);
        } else {
            d.mark(Marker.Kind.REF_PHANDLE, ref).appendInteger(0xffffffffL, 32);
            target = new LiveProperty("target", d, null);
        }
        LiveNode fragment = new LiveNode("fragment@" + Integer.toUnsignedString(nextFragment++), null);
        fragment.properties.add(target);
        overlay.name = "__overlay__";
        overlay.parent = fragment;
        fragment.children.add(overlay);
        fragment.parent = root;
        root.children.add(fragment);
    }
}
