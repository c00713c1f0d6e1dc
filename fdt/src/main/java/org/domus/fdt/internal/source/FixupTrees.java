package org.domus.fdt.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generated nodes of dtc's overlay support: {@code /__symbols__} (with {@code -@}: every label and the
 * path of its node, each labelled node getting a phandle), and for a /plugin/ {@code /__fixups__} (where each
 * unresolved phandle reference sits, by label) and {@code /__local_fixups__} (where each resolved one sits,
 * mirroring the tree). Lists and orders are dtc's; name lookups in the generated nodes go through indexes.
 */
final class FixupTrees {
    private final CheckContext ctx;
    /** Properties of generated nodes by name (first visible one), kept up to date as they are added. */
    private final Map<LiveNode, Map<String, LiveProperty>> propsByName = new IdentityHashMap<>();
    /** Children of generated nodes by name (first visible one). */
    private final Map<LiveNode, Map<String, LiveNode>> childrenByName = new IdentityHashMap<>();

    private FixupTrees(CheckContext ctx) {
        this.ctx = ctx;
    }

    // ---- __symbols__ --------------------------------------------------------------------------------------

    /** dtc's generate_label_tree(dti, "__symbols__", true). */
    static void symbols(CheckContext ctx) {
        new FixupTrees(ctx).labelTree("__symbols__", true);
    }

    /** dtc's generate_label_tree(dti, "aliases", false), for {@code -A}. */
    static void aliases(CheckContext ctx) {
        new FixupTrees(ctx).labelTree("aliases", false);
    }

    private void labelTree(String name, boolean allocatePhandles) {
        boolean[] any = {false};
        CheckContext.preorder(ctx.root, n -> any[0] |= !n.labels.isEmpty());
        if (!any[0]) {
            return;
        }
        LiveNode an = rootChild(name);
        CheckContext.preorder(ctx.root, node -> {
            // dtc tests the raw label list: a node whose labels are all deleted still gets its phandle.
            if (node.labels.isEmpty()) {
                return;
            }
            for (Label l : node.labels) {
                if (l.deleted) {
                    continue;
                }
                if (property(an, l.name) != null) {
                    ctx.note("WARNING: label " + l.name + " already exists in /" + an.name);
                    continue;
                }
                String path = ctx.fullPath(node);
                if (path == null) {
                    throw ctx.abort(node, null, "a labelled node without a path");
                }
                addProperty(an, l.name, new Data().append((path + "\0").getBytes(StandardCharsets.UTF_8)));
            }
            if (!allocatePhandles) {
                return;
            }
            ctx.phandles.phandleOf(node);
            if (node == an) {
                propsByName.remove(an); // it may have gained a "phandle" property
            }
        });
    }

    // ---- __fixups__ and __local_fixups__ ------------------------------------------------------------------

    /** dtc's generate_fixups_tree and generate_local_fixups_tree, in that order. */
    static void fixups(CheckContext ctx) {
        FixupTrees t = new FixupTrees(ctx);
        t.externalFixups("__fixups__");
        t.localFixups("__local_fixups__");
    }

    /** Calls {@code visit(node, prop, marker)} for every phandle reference in the tree, in dtc's order. */
    private interface RefVisitor {
        void visit(LiveNode node, LiveProperty prop, Marker m);
    }

    private void forEachPhandleRef(RefVisitor v) {
        CheckContext.preorder(ctx.root, node -> {
            for (int i = 0; i < node.properties.size(); i++) {
                LiveProperty p = node.properties.get(i);
                if (p.deleted) {
                    continue;
                }
                List<Marker> ms = p.value.markers;
                for (int k = 0; k < ms.size(); k++) {
                    if (ms.get(k).kind() == Marker.Kind.REF_PHANDLE) {
                        v.visit(node, p, ms.get(k));
                    }
                }
            }
        });
    }

    private boolean anyRef(boolean resolved) {
        boolean[] any = {false};
        forEachPhandleRef((node, p, m) -> any[0] |= (ctx.refs.byRef(m.ref()) != null) == resolved);
        return any[0];
    }

    private void externalFixups(String name) {
        if (!anyRef(false)) {
            return;
        }
        LiveNode fn = rootChild(name);
        forEachPhandleRef((node, p, m) -> {
            if (ctx.refs.byRef(m.ref()) != null) {
                return;
            }
            String path = ctx.fullPath(node);
            if (path == null) {
                throw ctx.abort(node, p, "a reference in a node without a path");
            }
            if (path.indexOf(':') >= 0 || p.name.indexOf(':') >= 0) {
                throw new DtcAbort(ctx.where(node, p) + ": ERROR: arguments should not contain ':' ("
                        + path + ":" + p.name + ")");
            }
            String entry = path + ":" + p.name + ":" + Integer.toUnsignedString(m.offset()) + "\0";
            appendToProperty(fn, m.ref(), entry.getBytes(StandardCharsets.UTF_8));
        });
    }

    private void localFixups(String name) {
        if (!anyRef(true)) {
            return;
        }
        LiveNode lfn = rootChild(name);
        Map<LiveNode, LiveNode> mirror = new IdentityHashMap<>();
        mirror.put(ctx.root, lfn);
        forEachPhandleRef((node, p, m) -> {
            if (ctx.refs.byRef(m.ref()) == null) {
                return;
            }
            byte[] cell = new Data().appendInteger(Integer.toUnsignedLong(m.offset()), 32).toByteArray();
            appendToProperty(mirrorOf(mirror, node), p.name, cell);
        });
    }

    /** The node under __local_fixups__ with the same names down from the root as {@code node}, made as needed. */
    private LiveNode mirrorOf(Map<LiveNode, LiveNode> mirror, LiveNode node) {
        LiveNode known = mirror.get(node);
        if (known != null) {
            return known;
        }
        ArrayDeque<LiveNode> chain = new ArrayDeque<>();
        LiveNode n = node;
        while (mirror.get(n) == null) {
            chain.push(n);
            n = n.parent;
        }
        LiveNode at = mirror.get(n);
        while (!chain.isEmpty()) {
            LiveNode c = chain.pop();
            LiveNode next = child(at, c.name);
            if (next == null) {
                next = addChild(at, c.name);
            }
            mirror.put(c, next);
            at = next;
        }
        return at;
    }

    // ---- building blocks ----------------------------------------------------------------------------------

    /** dtc's build_root_node: the root's child of that name, appended when missing. */
    private LiveNode rootChild(String name) {
        LiveNode n = LiveTree.subnode(ctx.root, name);
        return n != null ? n : addChild(ctx.root, name);
    }

    private LiveNode child(LiveNode parent, String name) {
        return childrenByName.computeIfAbsent(parent, p -> {
            Map<String, LiveNode> m = new HashMap<>();
            for (LiveNode c : p.children) {
                if (!c.deleted) {
                    m.putIfAbsent(c.name, c);
                }
            }
            return m;
        }).get(name);
    }

    private LiveNode addChild(LiveNode parent, String name) {
        LiveNode n = new LiveNode(name, null);
        n.parent = parent;
        parent.children.add(n);
        Map<String, LiveNode> m = childrenByName.get(parent);
        if (m != null) {
            m.putIfAbsent(name, n);
        }
        return n;
    }

    private LiveProperty property(LiveNode node, String name) {
        return propsByName.computeIfAbsent(node, nd -> {
            Map<String, LiveProperty> m = new HashMap<>();
            for (LiveProperty p : nd.properties) {
                if (!p.deleted) {
                    m.putIfAbsent(p.name, p);
                }
            }
            return m;
        }).get(name);
    }

    private LiveProperty addProperty(LiveNode node, String name, Data value) {
        property(node, name); // make sure the index exists before it is updated
        LiveProperty p = new LiveProperty(name, value, null);
        node.properties.add(p);
        propsByName.get(node).putIfAbsent(name, p);
        return p;
    }

    /** dtc's append_to_property: appended to the property of that name, or a new property at the end. */
    private void appendToProperty(LiveNode node, String name, byte[] bytes) {
        LiveProperty p = property(node, name);
        if (p != null) {
            p.value.append(bytes);
        } else {
            addProperty(node, name, new Data().append(bytes));
        }
    }
}
