package org.domus.fdt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.domus.fdt.internal.blob.AsmWriter;
import org.domus.fdt.internal.blob.FlatTree;
import org.domus.fdt.internal.print.DtsPrinter;
import org.domus.fdt.internal.source.BlobChecks;
import org.domus.fdt.internal.source.TreeBuilder;
import org.domus.fdt.internal.source.TreeSource;

/**
 * A whole device tree: memory reservations, the boot CPU's physical id and the root node.
 * Immutable; read it from DTS or DTB, write it as DTB or print it as DTS, as {@code dtc} does.
 */
public record Fdt(List<ReserveEntry> reservations, int bootCpuid, Node root) {
    /** The first four bytes of every flattened device tree. */
    public static final int MAGIC = 0xd00dfeed;

    public Fdt {
        reservations = List.copyOf(reservations);
    }

    /** Reads a flattened blob (FDT v16 or v17; also the legacy v1–v3 that dtc reads), checking every offset and length. */
    public static Fdt fromDtb(byte[] blob) throws FdtException {
        return FlatTree.read(blob);
    }

    /** Compiles device-tree source as {@code dtc -I dts} does; /include/ resolves next to the including file. */
    public static Fdt fromDts(Path file) throws FdtException {
        return fromDts(file, List.of());
    }

    /** As {@link #fromDts(Path)}, also searching {@code includeDirs} (dtc's {@code -i}). */
    public static Fdt fromDts(Path file, List<Path> includeDirs) throws FdtException {
        return TreeBuilder.build(TreeSource.parse(file, includeDirs), false);
    }

    /**
     * Compiles source and keeps dtc's warnings; {@code symbols} adds {@code __symbols__} as dtc's {@code -@}
     * does (a /plugin/ source gets its fixup nodes either way).
     */
    public static DtsCompilation compileDts(Path file, List<Path> includeDirs, boolean symbols) throws FdtException {
        TreeBuilder.Result r = TreeBuilder.compile(TreeSource.parse(file, includeDirs), symbols);
        return new DtsCompilation(r.fdt(), r.warnings());
    }

    /** Compiles source with dtc's build options ({@code -@ -A -H -W -E -f}), keeping its messages. */
    public static DtsCompilation compileDts(Path file, List<Path> includeDirs, BuildOptions options) throws FdtException {
        var info = TreeSource.parse(file, includeDirs);
        TreeBuilder.Result r = TreeBuilder.compile(info, options, null);
        return new DtsCompilation(r.fdt(), r.warnings(), info.included, r.labels());
    }

    /** As {@link #compileDts(Path, List, BuildOptions)} for source bytes (standard input); {@code fileName} names them. */
    public static DtsCompilation compileDts(byte[] source, String fileName, List<Path> includeDirs, BuildOptions options)
            throws FdtException {
        var info = TreeSource.parse(source, fileName, includeDirs);
        TreeBuilder.Result r = TreeBuilder.compile(info, options, null);
        return new DtsCompilation(r.fdt(), r.warnings(), info.included, r.labels());
    }

    /**
     * The tree as dtc has it after its checks and fixups when it was read from a blob or a folder (dtc runs
     * them on every input): a "name" property that repeats the node's name is dropped, {@code -A}/{@code -@}
     * nodes are added. {@code keepBootCpuid} keeps this tree's boot CPU (a blob's header); otherwise dtc's guess
     * from /cpus is taken, as for a folder.
     *
     * @throws DtsException with the error diagnostics, unless {@code options.force()}
     */
    public DtsCompilation rebuild(String fileName, BuildOptions options, boolean keepBootCpuid) throws DtsException {
        TreeBuilder.Result r = BlobChecks.build(this, fileName, options, keepBootCpuid);
        return new DtsCompilation(r.fdt(), r.warnings());
    }

    /**
     * {@code dtc -I fs}: a tree from a folder laid out as Linux's /proc/device-tree, each sub-folder a node and
     * each file a property holding the file's bytes, in the order the folder lists them.
     */
    public static Fdt fromDirectory(Path dir) throws IOException {
        return new Fdt(List.of(), 0, FolderTree.read(dir, ""));
    }

    /** dtc's {@code -s}: reservations by address then size, properties and child nodes by name (byte order). */
    public Fdt sorted() {
        List<ReserveEntry> r = new java.util.ArrayList<>(reservations);
        r.sort(java.util.Comparator.comparing(ReserveEntry::address, Long::compareUnsigned)
                .thenComparing(ReserveEntry::size, Long::compareUnsigned));
        return new Fdt(r, bootCpuid, sorted(root));
    }

    private static Node sorted(Node n) {
        List<Property> props = new java.util.ArrayList<>(n.properties());
        props.sort(java.util.Comparator.comparing(Property::name));
        List<Node> children = new java.util.ArrayList<>(n.children().size());
        for (Node c : n.children()) {
            children.add(sorted(c));
        }
        children.sort(java.util.Comparator.comparing(Node::name));
        return new Node(n.name(), props, children);
    }

    /** This tree with another boot CPU (dtc's {@code -b}). */
    public Fdt withBootCpuid(int cpu) {
        return new Fdt(reservations, cpu, root);
    }

    /** The blob in another layout ({@code -V -S -p -a -R}). */
    public byte[] toDtb(DtbLayout layout) {
        return FlatTree.write(this, layout);
    }

    /** {@code dtc -O asm}: assembler source that assembles to the blob {@link #toDtb(DtbLayout)} writes. */
    public String toAsm(DtbLayout layout) {
        return AsmWriter.write(this, layout, SourceLabels.NONE);
    }

    /** As {@link #toAsm(DtbLayout)}, exporting the source's labels as global symbols, as dtc does. */
    public String toAsm(DtbLayout layout, SourceLabels labels) {
        return AsmWriter.write(this, layout, labels);
    }

    /** Compiles source text; {@code fileName} is used in diagnostics and to resolve /include/. */
    public static Fdt fromDts(String text, String fileName) throws FdtException {
        return TreeBuilder.build(TreeSource.parse(text, fileName, List.of()), false);
    }

    /** Reads a file that is either a DTB (by its magic) or DTS source. */
    public static Fdt read(Path file) throws FdtException, IOException {
        byte[] bytes = InputFile.readTree(file);
        return isDtb(bytes) ? fromDtb(bytes) : TreeBuilder.build(TreeSource.parse(bytes, file.toString(), List.of()), false);
    }

    /**
     * Runs dtc's checks on this tree, as dtc does on a blob before it prints it: errors (duplicate names or
     * phandles, bad characters, a wrong "name" property) throw, naming {@code fileName}; warnings are returned.
     */
    public List<String> check(String fileName) throws DtsException {
        return BlobChecks.check(this, fileName);
    }

    /** Whether these bytes start like a flattened device tree. */
    public static boolean isDtb(byte[] bytes) {
        return bytes.length >= 4 && Property.cell(bytes, 0) == MAGIC;
    }

    /** The FDT v17 blob, byte-identical to what {@code dtc -O dtb} writes for the same tree. */
    public byte[] toDtb() {
        return FlatTree.write(this);
    }

    /** Source text in the form {@code dtc -I dtb -O dts} prints. */
    public String toDts() {
        return DtsPrinter.print(this);
    }

    /** The node at an absolute path such as {@code /chosen/domU1}. */
    public Optional<Node> node(String path) {
        return root.find(path);
    }

    /**
     * This tree with the node at {@code path} (found as {@link #node} finds it) replaced by what {@code change}
     * makes of it; every other node is shared, not copied. The way to edit a tree: {@code fdt.edit("/chosen",
     * n -> n.withProperty(Property.ofString("bootargs", "console=ttyAMA0")))}.
     *
     * @throws IllegalArgumentException naming the first path component that does not exist
     */
    public Fdt edit(String path, UnaryOperator<Node> change) {
        return new Fdt(reservations, bootCpuid, edit(root, path.split("/"), 0, change));
    }

    /**
     * This tree with a device-tree overlay applied as libfdt's {@code fdt_overlay_apply} applies it (U-Boot's
     * {@code fdt apply}, dtc's {@code fdtoverlay}).
     *
     * @throws IllegalArgumentException naming what cannot be resolved (a label the tree has no symbol for, a target)
     */
    public Fdt applyOverlay(Fdt overlay) {
        return Overlay.apply(this, overlay);
    }

    /** This tree without the node at {@code path} and its subtree; the root cannot be removed. */
    public Fdt remove(String path) {
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        if (name.isEmpty() || slash < 0) {
            throw new IllegalArgumentException("cannot remove the root node");
        }
        String parentPath = slash == 0 ? "/" : path.substring(0, slash);
        return edit(parentPath, parent -> {
            Node child = parent.child(name).orElseThrow(() -> new IllegalArgumentException("no node " + path));
            return parent.replacingChild(child, null);
        });
    }

    private static Node edit(Node node, String[] parts, int i, UnaryOperator<Node> change) {
        while (i < parts.length && parts[i].isEmpty()) {
            i++;
        }
        if (i == parts.length) {
            return change.apply(node);
        }
        int at = i;
        Node child = node.child(parts[at]).orElseThrow(() -> new IllegalArgumentException("no node " + prefix(parts, at)));
        return node.replacingChild(child, edit(child, parts, i + 1, change));
    }

    private static String prefix(String[] parts, int upTo) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k <= upTo; k++) {
            if (!parts[k].isEmpty()) {
                s.append('/').append(parts[k]);
            }
        }
        return s.isEmpty() ? "/" : s.toString();
    }
}
