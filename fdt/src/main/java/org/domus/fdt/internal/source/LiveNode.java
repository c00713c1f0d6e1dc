package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the tree being built from source (dtc's {@code struct node}). Deleted nodes and properties
 * stay in the lists with {@code deleted} set, as in dtc, until the tree is flattened.
 */
public final class LiveNode {
    public String name;
    public final List<LiveProperty> properties = new ArrayList<>();
    public final List<LiveNode> children = new ArrayList<>();
    public LiveNode parent;
    /** Labels; dtc prepends new labels to its list, so index 0 is the most recently added. */
    public final List<Label> labels = new ArrayList<>();
    public boolean deleted;
    /** 0 = none yet; -1 (0xffffffff) is invalid as in dtc. */
    public int phandle;
    public boolean omitIfUnused;
    public boolean referenced;
    public SourcePos pos;

    public LiveNode(String name, SourcePos pos) {
        this.name = name;
        this.pos = pos;
    }

    /** Full path, "/" for the root. */
    public String fullPath() {
        if (parent == null) {
            return "/";
        }
        java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
        for (LiveNode n = this; n.parent != null; n = n.parent) {
            names.push(n.name);
        }
        StringBuilder sb = new StringBuilder();
        for (String s : names) {
            sb.append('/').append(s);
        }
        return sb.toString();
    }
}
