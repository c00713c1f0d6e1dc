package org.domus.fdt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

    /** Compiles source text; {@code fileName} is used in diagnostics and to resolve /include/. */
    public static Fdt fromDts(String text, String fileName) throws FdtException {
        return TreeBuilder.build(TreeSource.parse(text, fileName, List.of()), false);
    }

    /** Reads a file that is either a DTB (by its magic) or DTS source. */
    public static Fdt read(Path file) throws FdtException, IOException {
        byte[] bytes = Files.readAllBytes(file);
        return isDtb(bytes) ? fromDtb(bytes) : fromDts(file);
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
}
