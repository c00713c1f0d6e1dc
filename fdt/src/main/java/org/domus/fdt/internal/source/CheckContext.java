package org.domus.fdt.internal.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The state dtc keeps while it checks and fixes up a parsed tree: the tree itself, per-node facts the checks
 * share (full path as of the start, #address-cells/#size-cells, bus kind), reference and phandle lookups, and
 * the diagnostics written so far. The live-tree types stay untouched; everything extra lives in side tables here.
 */
final class CheckContext {
    /** What a bridge check decided a node is; later checks look at the parent's bus. */
    enum Bus { PCI, SIMPLE, I2C, SPI, GRAPH_PORT, GRAPH_PORTS }

    /** Per-node facts. {@code addrCells}/{@code sizeCells} start at 0, as dtc's zeroed struct does. */
    static final class NodeState {
        /** dtc fills full paths once, before the checks, for the nodes visible then; others print "(null)". */
        boolean hasPath;
        String path;
        int addrCells;
        int sizeCells;
        Bus bus;
    }

    final DtInfo info;
    final LiveNode root;
    final boolean plugin;
    /** dtc's {@code -@}. */
    final boolean symbols;
    final Refs refs;
    final Phandles phandles;
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** Every message, warnings and errors, in the order dtc prints them. */
    final List<String> messages = new ArrayList<>();
    /** Each check's warning and error switches for this run ({@code -W}/{@code -E}). */
    final CheckLevels levels;

    /** Scratch of the duplicate_label check. */
    CheckFixups.LabelSites labelSites;

    private Set<String> propertyNames;

    private final Map<LiveNode, NodeState> states = new IdentityHashMap<>();
    private Check current;
    private boolean currentFailed;

    CheckContext(DtInfo info, boolean symbols) {
        this(info, symbols, CheckLevels.DEFAULT, org.domus.fdt.BuildOptions.PhandleFormat.EPAPR);
    }

    CheckContext(DtInfo info, boolean symbols, CheckLevels levels, org.domus.fdt.BuildOptions.PhandleFormat phandleFormat) {
        this.levels = levels;
        this.info = info;
        this.root = info.root;
        this.plugin = info.plugin;
        this.symbols = symbols;
        this.refs = new Refs(root);
        this.phandles = new Phandles(root, phandleFormat);
        preorder(root, n -> state(n).hasPath = true);
    }

    /**
     * Names of the properties in the tree, for skipping checks about absent ones. Taken once, when first
     * asked: only checks after the fixups ask, and no property is added or renamed after them.
     */
    Set<String> propertyNames() {
        if (propertyNames == null) {
            Set<String> names = new HashSet<>();
            preorder(root, n -> {
                for (LiveProperty p : n.properties) {
                    names.add(p.name);
                }
            });
            propertyNames = names;
        }
        return propertyNames;
    }

    NodeState state(LiveNode node) {
        return states.computeIfAbsent(node, n -> new NodeState());
    }

    // ---- tree walking -------------------------------------------------------------------------------------

    /**
     * Visits {@code top} and then its children that are not deleted, depth first, as dtc's recursive walks
     * do. Children are looked at only when the walk reaches them, so a node the visitor deletes is not
     * entered, and children appended meanwhile are visited. No recursion: any depth is fine.
     */
    static void preorder(LiveNode top, Consumer<LiveNode> visitor) {
        visitor.accept(top);
        LiveNode[] parents = new LiveNode[16];
        int[] next = new int[16];
        int depth = 0;
        parents[0] = top;
        while (depth >= 0) {
            LiveNode parent = parents[depth];
            if (next[depth] >= parent.children.size()) {
                parents[depth--] = null;
                continue;
            }
            LiveNode child = parent.children.get(next[depth]++);
            if (child.deleted) {
                continue;
            }
            visitor.accept(child);
            if (child.children.isEmpty()) {
                continue;
            }
            if (++depth == parents.length) {
                parents = Arrays.copyOf(parents, depth * 2);
                next = Arrays.copyOf(next, depth * 2);
            }
            parents[depth] = child;
            next[depth] = 0;
        }
    }

    /** dtc's delete_node: the node, its visible subtree, their properties and all their labels. */
    static void deleteNode(LiveNode node) {
        preorder(node, n -> {
            n.deleted = true;
            for (LiveProperty p : n.properties) {
                if (!p.deleted) {
                    p.deleted = true;
                    deleteLabels(p.labels);
                }
            }
            deleteLabels(n.labels);
        });
    }

    private static void deleteLabels(List<Label> labels) {
        for (Label l : labels) {
            l.deleted = true;
        }
    }

    // ---- paths and names ----------------------------------------------------------------------------------

    /**
     * The full path dtc computed before the checks, or null for a node that had none. Built by walking up
     * (to the nearest ancestor whose path is already known) and kept for this node only, so a deep chain costs
     * memory in proportion to the paths actually asked for.
     */
    String fullPath(LiveNode node) {
        NodeState s = state(node);
        if (!s.hasPath) {
            return null;
        }
        if (s.path != null) {
            return s.path;
        }
        ArrayDeque<String> names = new ArrayDeque<>();
        String base = null;
        for (LiveNode n = node; n != null; n = n.parent) {
            String known = n == node ? null : state(n).path;
            if (known != null) {
                base = known;
                break;
            }
            names.push(n.name);
        }
        StringBuilder sb = new StringBuilder();
        if (base == null) {
            sb.append('/').append(names.pop()); // the root: join_path("", name)
        } else {
            sb.append(base);
        }
        while (!names.isEmpty()) {
            if (sb.charAt(sb.length() - 1) != '/') {
                sb.append('/');
            }
            sb.append(names.pop());
        }
        s.path = sb.toString();
        return s.path;
    }

    /** The path as dtc prints it in messages: "(null)" when it has none. */
    String shownPath(LiveNode node) {
        String p = fullPath(node);
        return p == null ? "(null)" : p;
    }

    static int baseNameLength(LiveNode node) {
        int at = node.name.indexOf('@');
        return at < 0 ? node.name.length() : at;
    }

    static String baseName(LiveNode node) {
        return node.name.substring(0, baseNameLength(node));
    }

    /** dtc's get_unitname: what follows the first '@', or "". */
    static String unitName(LiveNode node) {
        int at = node.name.indexOf('@');
        return at < 0 ? "" : node.name.substring(at + 1);
    }

    /** #address-cells of a node as dtc's node_addr_cells reads it: -1 (unset) means 2. */
    int addrCells(LiveNode node) {
        int c = state(node).addrCells;
        return c == -1 ? 2 : c;
    }

    /** #size-cells of a node as dtc's node_size_cells reads it: -1 (unset) means 1. */
    int sizeCells(LiveNode node) {
        int c = state(node).sizeCells;
        return c == -1 ? 1 : c;
    }

    Bus bus(LiveNode node) {
        return node == null ? null : state(node).bus;
    }

    // ---- diagnostics --------------------------------------------------------------------------------------

    void begin(Check check) {
        current = check;
        currentFailed = false;
    }

    /** Ends the current check's walk; true when it failed. */
    boolean end() {
        current = null;
        return currentFailed;
    }

    /** dtc's FAIL: the current check failed at a node. */
    void fail(LiveNode node, String message) {
        failProp(node, null, message);
    }

    /** dtc's FAIL_PROP: the current check failed at a property (null prop: the node only). */
    void failProp(LiveNode node, LiveProperty prop, String message) {
        currentFailed = true;
        report(current, node, prop, message);
    }

    /** A warning that belongs to no check (dtc prints it with fprintf). */
    void note(String line) {
        warnings.add(line);
        messages.add(line);
    }

    /** A message of a check that names no node (dtc's "Failed prerequisite"). */
    void report(Check check, LiveNode node, LiveProperty prop, String message) {
        boolean error = levels.error(check);
        if (!error && !levels.warn(check)) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(where(node, prop)).append(": ");
        sb.append(error ? "ERROR" : "Warning");
        sb.append(" (").append(check.name()).append("): ");
        if (node != null) {
            sb.append(shownPath(node));
            if (prop != null) {
                sb.append(':').append(prop.name);
            }
            sb.append(": ");
        }
        sb.append(message);
        String line = sb.toString().replace("\n", "\\n").replace("\r", "\\r");
        (error ? errors : warnings).add(line);
        messages.add(line);
    }

    /** The position of a diagnostic: the property's, else the node's, else the nearest ancestor's, else the file. */
    String where(LiveNode node, LiveProperty prop) {
        if (prop != null && prop.pos != null) {
            return prop.pos.toString();
        }
        for (LiveNode n = node; n != null; n = n.parent) {
            if (n.pos != null) {
                return n.pos.toString();
            }
        }
        if (node == null && root.pos != null) {
            return root.pos.toString();
        }
        return info.fileName == null ? "<stdin>" : info.fileName;
    }

    /** dtc would crash or hang here; the input is rejected with this message. */
    DtcAbort abort(LiveNode node, LiveProperty prop, String what) {
        String name = current == null ? "dtc" : current.name();
        String target = node == null ? "" : shownPath(node) + (prop == null ? "" : ":" + prop.name) + ": ";
        return new DtcAbort(where(node, prop) + ": ERROR (" + name + "): " + target
                + "dtc 1.6.1 cannot process this tree (" + what + ")");
    }
}
