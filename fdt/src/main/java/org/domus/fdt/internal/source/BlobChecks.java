package org.domus.fdt.internal.source;

import java.util.ArrayDeque;

import org.domus.fdt.DtsException;
import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * dtc runs its checks on a tree read from a blob too, and refuses to decompile one with errors (duplicate
 * names or phandles, bad characters, a wrong "name" property). This runs the same checks on an {@link Fdt}:
 * the tree is copied into a live tree without source positions, so diagnostics name the blob file.
 */
public final class BlobChecks {
    private BlobChecks() {
    }

    /** Throws the error diagnostics dtc would print for this tree; returns its warnings otherwise. */
    public static java.util.List<String> check(Fdt fdt, String fileName) throws DtsException {
        return build(fdt, fileName, org.domus.fdt.BuildOptions.DEFAULT, true).warnings();
    }

    /** The tree after dtc's checks and fixups with these options, and dtc's messages about it. */
    public static TreeBuilder.Result build(Fdt fdt, String fileName, org.domus.fdt.BuildOptions options, boolean keepBootCpuid)
            throws DtsException {
        DtInfo info = new DtInfo();
        info.v1 = true;
        info.fileName = fileName;
        info.root = live(fdt.root());
        for (var r : fdt.reservations()) {
            info.reservations.add(new ReserveInfo(r.address(), r.size()));
        }
        return TreeBuilder.compile(info, options, keepBootCpuid ? fdt.bootCpuid() : null);
    }

    /** A live copy built with an explicit stack, so that a deep blob cannot overflow the Java stack. */
    private static LiveNode live(Node root) {
        record Pending(Node node, LiveNode parent) {
        }
        LiveNode liveRoot = null;
        ArrayDeque<Pending> todo = new ArrayDeque<>();
        todo.push(new Pending(root, null));
        while (!todo.isEmpty()) {
            Pending p = todo.pop();
            LiveNode n = new LiveNode(p.node().name(), null);
            for (Property prop : p.node().properties()) {
                n.properties.add(new LiveProperty(prop.name(), new Data().append(prop.value()), null));
            }
            if (p.parent() == null) {
                liveRoot = n;
            } else {
                n.parent = p.parent();
                p.parent().children.add(n);
            }
            // pushed in reverse so that children are added in tree order
            var children = p.node().children();
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(new Pending(children.get(i), n));
            }
        }
        return liveRoot;
    }
}
