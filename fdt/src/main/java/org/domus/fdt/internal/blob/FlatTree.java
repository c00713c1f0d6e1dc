package org.domus.fdt.internal.blob;

import static org.domus.fdt.internal.blob.Format.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

import org.domus.fdt.DtbException;
import org.domus.fdt.DtbLayout;
import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.Node;
import org.domus.fdt.Property;
import org.domus.fdt.ReserveEntry;

/**
 * Flattened device trees (DTB): reads what dtc 1.6.1 reads, checking every offset and length, and writes
 * exactly what {@code dtc -O dtb} writes with default options.
 * <p>
 * Readable versions: 16 and 17, later versions whose last_comp_version is at most 17, and the legacy
 * versions 1 to 3 (which dtc still reads and writes with {@code -V}).
 */
public final class FlatTree {
    private FlatTree() {
    }

    public static Fdt read(byte[] blob) throws FdtException {
        Header header = Header.parse(blob);
        List<ReserveEntry> reservations = reservations(blob, header);
        Node root = StructureParser.parse(blob, header);
        return new Fdt(reservations, header.bootCpuid(), root);
    }

    /** Entries up to the first with size 0: dtc and libfdt both end the list there, whatever the address. */
    private static List<ReserveEntry> reservations(byte[] blob, Header header) throws DtbException {
        BlobReader in = new BlobReader(blob, header.memRsvStart(), header.totalSize(), "blob (totalsize)");
        List<ReserveEntry> entries = new ArrayList<>();
        while (true) {
            in.require(RESERVE_ENTRY_SIZE, "memory reservation entry without the terminating entry");
            long address = in.u64("reservation address");
            long size = in.u64("reservation size");
            if (size == 0) {
                return entries;
            }
            entries.add(new ReserveEntry(address, size));
        }
    }

    /** {@link #write(Fdt, DtbLayout)} with dtc's default layout. */
    public static byte[] write(Fdt fdt) {
        return write(fdt, DtbLayout.DEFAULT);
    }

    /**
     * Lays the blob out as dtc does: the header of the layout's version, the reservation block (8-byte aligned)
     * with any extra empty slots and its terminator, the structure block, the strings block, then the padding
     * the layout asks for. Reservations are written as given; one of size 0 would end the list for any reader,
     * dtc's and ours included.
     *
     * @throws IllegalArgumentException if a name contains NUL or a char above U+00FF
     */
    public static byte[] write(Fdt fdt, DtbLayout layout) {
        Version v = Version.of(layout.version());
        StringTable strings = new StringTable();
        BlobWriter struct = structure(fdt, v, strings);
        int reserveSize = (fdt.reservations().size() + layout.extraReservations()) * RESERVE_ENTRY_SIZE;
        int memRsvStart = (v.headerSize + 7) & ~7;
        int structStart = memRsvStart + reserveSize + RESERVE_ENTRY_SIZE;
        int stringsStart = structStart + struct.size();
        BlobWriter strs = strings.bytes();
        int size = stringsStart + strs.size();
        int pad = padding(layout, size);
        BlobWriter blob = new BlobWriter()
                .u32(Fdt.MAGIC)
                .u32(size + pad)
                .u32(structStart)
                .u32(stringsStart)
                .u32(memRsvStart)
                .u32(v.version)
                .u32(v.lastComp);
        if (v.version >= 2) {
            blob.u32(fdt.bootCpuid());
        }
        if (v.version >= 3) {
            blob.u32(strs.size());
        }
        if (v.version >= 17) {
            blob.u32(struct.size());
        }
        blob.align(8);
        for (ReserveEntry e : fdt.reservations()) {
            blob.u64(e.address()).u64(e.size());
        }
        return blob.zeroes(RESERVE_ENTRY_SIZE * (layout.extraReservations() + 1)).bytes(struct).bytes(strs)
                .zeroes(pad).toByteArray();
    }

    /** Bytes of padding after the strings, as dtc computes them: -S tops up, -p adds, -a rounds up the total. */
    static int padding(DtbLayout layout, int size) {
        int pad = 0;
        if (layout.minSize() > 0) {
            pad = Math.max(0, layout.minSize() - size);
        }
        if (layout.padding() > 0) {
            pad = layout.padding();
        }
        if (layout.align() > 0) {
            int a = layout.align();
            pad = ((size + pad + a - 1) & -a) - size;
        }
        return pad;
    }

    /** The rows of dtc's version table: header size and what the structure block looks like. */
    record Version(int version, int lastComp, int headerSize, boolean legacy) {
        static Version of(int version) {
            return switch (version) {
                case 1 -> new Version(1, 1, 28, true);
                case 2 -> new Version(2, 1, 32, true);
                case 3 -> new Version(3, 1, 36, true);
                case 16 -> new Version(16, 16, 36, false);
                case 17 -> new Version(17, 16, V17_HEADER_SIZE, false);
                default -> throw new IllegalArgumentException("Unknown device tree blob version " + version);
            };
        }
    }

    /** The structure block, every node in pre-order (an explicit stack: depth is limited by memory only). */
    private static BlobWriter structure(Fdt fdt, Version v, StringTable strings) {
        BlobWriter struct = new BlobWriter();
        Deque<Iterator<Node>> pending = new ArrayDeque<>();
        Deque<String> paths = new ArrayDeque<>();
        beginNode(struct, strings, fdt.root(), "/", v);
        pending.push(fdt.root().children().iterator());
        paths.push("/");
        while (!pending.isEmpty()) {
            Iterator<Node> children = pending.peek();
            if (children.hasNext()) {
                Node child = children.next();
                String path = v.legacy ? (paths.peek().equals("/") ? "/" : paths.peek() + "/") + child.name() : null;
                beginNode(struct, strings, child, path, v);
                pending.push(child.children().iterator());
                paths.push(path == null ? "" : path);
            } else {
                pending.pop();
                paths.pop();
                struct.u32(FDT_END_NODE);
            }
        }
        struct.u32(FDT_END);
        return struct;
    }

    /**
     * FDT_BEGIN_NODE, the name (the full path in legacy versions), and the node's properties, with a "name"
     * property in legacy versions when the node has none; children and FDT_END_NODE follow.
     */
    private static void beginNode(BlobWriter struct, StringTable strings, Node node, String path, Version v) {
        struct.u32(FDT_BEGIN_NODE).bytes(Names.encode(v.legacy ? path : node.name(), "node")).zeroes(1).align(4);
        boolean named = false;
        for (Property p : node.properties()) {
            named |= p.name().equals("name");
            property(struct, strings, Names.encode(p.name(), "property"), p.value(), v);
        }
        if (v.legacy && !named) {
            String base = node.name();
            int at = base.indexOf('@');
            byte[] b = Names.encode(at < 0 ? base : base.substring(0, at), "node");
            property(struct, strings, Names.encode("name", "property"), java.util.Arrays.copyOf(b, b.length + 1), v);
        }
    }

    private static void property(BlobWriter struct, StringTable strings, byte[] name, byte[] value, Version v) {
        struct.u32(FDT_PROP).u32(value.length).u32(strings.offsetOf(name));
        if (v.legacy && value.length >= 8) {
            struct.align(8);
        }
        struct.bytes(value).align(4);
    }

}
