package org.domus.fdt.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that give a parsed tree its final shape: duplicate labels, explicit phandles, phandle and path
 * references (filled in here), and /omit-if-no-ref/ pruning.
 */
final class CheckFixups {
    private CheckFixups() {
    }

    // ---- duplicate_label ----------------------------------------------------------------------------------

    /** Where a label sits: on a node, on a property, or inside a value (marker index; -1 for none). */
    private record LabelSite(LiveNode node, LiveProperty prop, int mark) {
        boolean same(LiveNode n, LiveProperty p, int m) {
            return node == n && prop == p && mark == m;
        }

        String describe(CheckContext ctx) {
            return (mark >= 0 ? "value of " : "") + (prop != null ? "'" + prop.name + "' in " : "")
                    + ctx.shownPath(node);
        }
    }

    /** First sites in tree order of labels on properties and in values, as dtc's searches find them. */
    static final class LabelSites {
        final Map<String, LabelSite> onProperties = new HashMap<>();
        final Map<String, LabelSite> inValues = new HashMap<>();

        LabelSites(LiveNode root) {
            CheckContext.preorder(root, n -> {
                for (LiveProperty p : n.properties) {
                    if (p.deleted) {
                        continue;
                    }
                    for (Label l : p.labels) {
                        if (!l.deleted) {
                            onProperties.putIfAbsent(l.name, new LabelSite(n, p, -1));
                        }
                    }
                    List<Marker> ms = p.value.markers;
                    for (int k = 0; k < ms.size(); k++) {
                        if (ms.get(k).kind() == Marker.Kind.LABEL) {
                            inValues.putIfAbsent(ms.get(k).ref(), new LabelSite(n, p, k));
                        }
                    }
                }
            });
        }
    }

    static void duplicateLabel(CheckContext ctx, LiveNode node) {
        // The sites are collected once, on the first (root) node: the check itself changes nothing.
        if (ctx.labelSites == null) {
            ctx.labelSites = new LabelSites(ctx.root);
        }
        LabelSites sites = ctx.labelSites;
        for (Label l : node.labels) {
            if (!l.deleted) {
                duplicateLabel(ctx, sites, l.name, node, null, -1);
            }
        }
        for (LiveProperty p : node.properties) {
            if (p.deleted) {
                continue;
            }
            for (Label l : p.labels) {
                if (!l.deleted) {
                    duplicateLabel(ctx, sites, l.name, node, p, -1);
                }
            }
            List<Marker> ms = p.value.markers;
            for (int k = 0; k < ms.size(); k++) {
                if (ms.get(k).kind() == Marker.Kind.LABEL) {
                    duplicateLabel(ctx, sites, ms.get(k).ref(), node, p, k);
                }
            }
        }
    }

    private static void duplicateLabel(CheckContext ctx, LabelSites sites, String label, LiveNode node,
            LiveProperty prop, int mark) {
        LabelSite other;
        LiveNode onNode = ctx.refs.byLabel(label);
        if (onNode != null) {
            other = new LabelSite(onNode, null, -1);
        } else {
            other = sites.onProperties.get(label);
            if (other == null) {
                other = sites.inValues.get(label);
            }
        }
        if (other == null || other.same(node, prop, mark)) {
            return;
        }
        ctx.fail(node, "Duplicate label '" + label + "' on " + new LabelSite(node, prop, mark).describe(ctx)
                + " and " + other.describe(ctx));
    }

    // ---- explicit_phandles --------------------------------------------------------------------------------

    static void explicitPhandles(CheckContext ctx, LiveNode node) {
        int phandle = phandleProperty(ctx, node, "phandle");
        int linuxPhandle = phandleProperty(ctx, node, "linux,phandle");
        if (phandle == 0 && linuxPhandle == 0) {
            return;
        }
        if (linuxPhandle != 0 && phandle != 0 && phandle != linuxPhandle) {
            ctx.fail(node, "mismatching 'phandle' and 'linux,phandle' properties");
        }
        if (linuxPhandle != 0 && phandle == 0) {
            phandle = linuxPhandle;
        }
        LiveNode other = ctx.phandles.node(phandle);
        if (other != null && other != node) {
            ctx.fail(node, "duplicated phandle 0x" + PropertyValues.hex(phandle) + " (seen before at "
                    + ctx.shownPath(other) + ")");
            return;
        }
        node.phandle = phandle;
        ctx.phandles.assigned(node);
    }

    /** The value of an explicit phandle property, or 0 when it is absent, bad, or a reference to be filled in. */
    private static int phandleProperty(CheckContext ctx, LiveNode node, String name) {
        LiveProperty p = LiveTree.property(node, name);
        if (p == null) {
            return 0;
        }
        if (p.value.length() != 4) {
            ctx.failProp(node, p, "bad length (" + p.value.length() + ") " + p.name + " property");
            return 0;
        }
        for (Marker m : p.value.markers) {
            if (m.kind() != Marker.Kind.REF_PHANDLE) {
                continue;
            }
            // A node may name itself (allocate me a phandle); naming another node is nonsense.
            if (ctx.refs.byRef(m.ref()) != node) {
                ctx.fail(node, p.name + " is a reference to another node");
            }
            return 0;
        }
        int v = PropertyValues.cell(ctx, node, p, 0);
        if (v == 0 || v == -1) {
            ctx.failProp(node, p, "bad value (0x" + PropertyValues.hex(v) + ") in " + p.name + " property");
            return 0;
        }
        return v;
    }

    // ---- phandle_references, path_references --------------------------------------------------------------

    static void phandleReferences(CheckContext ctx, LiveNode node) {
        // Indexes, not iterators: allocating a phandle may append a property to this very node.
        for (int i = 0; i < node.properties.size(); i++) {
            LiveProperty p = node.properties.get(i);
            if (p.deleted) {
                continue;
            }
            List<Marker> ms = p.value.markers;
            for (int k = 0; k < ms.size(); k++) {
                Marker m = ms.get(k);
                if (m.kind() != Marker.Kind.REF_PHANDLE) {
                    continue;
                }
                if (m.offset() < 0 || m.offset() + 4 > p.value.length()) {
                    throw ctx.abort(node, p, "phandle reference outside its value");
                }
                LiveNode target = ctx.refs.byRef(m.ref());
                if (target == null) {
                    if (!ctx.plugin) {
                        ctx.fail(node, "Reference to non-existent node or label \"" + m.ref() + "\"");
                    } else {
                        p.value.setCell(m.offset(), 0xffffffff);
                    }
                    continue;
                }
                p.value.setCell(m.offset(), ctx.phandles.phandleOf(target));
                target.referenced = true;
            }
        }
    }

    static void pathReferences(CheckContext ctx, LiveNode node) {
        for (LiveProperty p : node.properties) {
            if (p.deleted) {
                continue;
            }
            List<Marker> ms = p.value.markers;
            for (int k = 0; k < ms.size(); k++) {
                Marker m = ms.get(k);
                if (m.kind() != Marker.Kind.REF_PATH) {
                    continue;
                }
                LiveNode target = ctx.refs.byRef(m.ref());
                if (target == null) {
                    ctx.fail(node, "Reference to non-existent node or label \"" + m.ref() + "\"");
                    continue;
                }
                String path = ctx.fullPath(target);
                if (path == null) {
                    throw ctx.abort(node, p, "reference to a node without a path");
                }
                byte[] bytes = (path + "\0").getBytes(StandardCharsets.UTF_8);
                insertAtMarker(ctx, node, p, k, bytes);
                target.referenced = true;
            }
        }
    }

    /**
     * Inserts bytes where marker {@code k} points; as in dtc, every marker after it in the list moves along,
     * whatever its offset (a marker listed later at the same offset belongs after the inserted text).
     */
    static void insertAtMarker(CheckContext ctx, LiveNode node, LiveProperty p, int k, byte[] bytes) {
        List<Marker> ms = p.value.markers;
        int offset = ms.get(k).offset();
        if (offset < 0 || offset > p.value.length()) {
            throw ctx.abort(node, p, "path reference outside its value");
        }
        int[] before = new int[ms.size()];
        for (int j = 0; j < before.length; j++) {
            before[j] = ms.get(j).offset();
        }
        p.value.insert(offset, bytes);
        for (int j = 0; j < before.length; j++) {
            Marker m = ms.get(j);
            int want = j > k ? before[j] + bytes.length : before[j];
            if (m.offset() != want) {
                ms.set(j, new Marker(want, m.kind(), m.ref()));
            }
        }
    }

    // ---- omit_unused_nodes --------------------------------------------------------------------------------

    static void omitUnusedNodes(CheckContext ctx, LiveNode node) {
        // With -@ a labelled node is kept (its label may be used by an overlay); dtc looks at the raw label list.
        if (ctx.symbols && !node.labels.isEmpty()) {
            return;
        }
        if (node.omitIfUnused && !node.referenced) {
            CheckContext.deleteNode(node);
            ctx.refs.nodesDeleted();
            ctx.phandles.nodesDeleted();
        }
    }
}
