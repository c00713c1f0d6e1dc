package org.domus.fdt.internal.blob;

import static org.domus.fdt.internal.blob.Format.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

import org.domus.fdt.DtbException;
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

    /**
     * Lays the blob out as dtc does: the v17 header, the reservation block and its terminator, the
     * structure block, then the strings block, with no padding between them. Reservations are written as
     * given; one of size 0 would end the list for any reader, dtc's and ours included.
     *
     * @throws IllegalArgumentException if a name contains NUL or a char above U+00FF
     */
    public static byte[] write(Fdt fdt) {
        StringTable strings = new StringTable();
        BlobWriter struct = new BlobWriter();
        // Pre-order with an explicit stack of child iterators, so depth is limited by memory, not the Java stack.
        Deque<Iterator<Node>> pending = new ArrayDeque<>();
        beginNode(struct, strings, fdt.root());
        pending.push(fdt.root().children().iterator());
        while (!pending.isEmpty()) {
            Iterator<Node> children = pending.peek();
            if (children.hasNext()) {
                Node child = children.next();
                beginNode(struct, strings, child);
                pending.push(child.children().iterator());
            } else {
                pending.pop();
                struct.u32(FDT_END_NODE);
            }
        }
        struct.u32(FDT_END);

        int reserveSize = (fdt.reservations().size() + 1) * RESERVE_ENTRY_SIZE;
        int memRsvStart = V17_HEADER_SIZE; // already 8-byte aligned, as the reservation block must be
        int structStart = memRsvStart + reserveSize;
        int stringsStart = structStart + struct.size();
        BlobWriter strs = strings.bytes();
        BlobWriter blob = new BlobWriter()
                .u32(Fdt.MAGIC)
                .u32(stringsStart + strs.size())
                .u32(structStart)
                .u32(stringsStart)
                .u32(memRsvStart)
                .u32(WRITE_VERSION)
                .u32(WRITE_LAST_COMP_VERSION)
                .u32(fdt.bootCpuid())
                .u32(strs.size())
                .u32(struct.size());
        for (ReserveEntry e : fdt.reservations()) {
            blob.u64(e.address()).u64(e.size());
        }
        return blob.zeroes(RESERVE_ENTRY_SIZE).bytes(struct).bytes(strs).toByteArray();
    }

    /** FDT_BEGIN_NODE, the name, and the node's properties; children and FDT_END_NODE follow. */
    private static void beginNode(BlobWriter struct, StringTable strings, Node node) {
        struct.u32(FDT_BEGIN_NODE).bytes(Names.encode(node.name(), "node")).zeroes(1).align(4);
        for (Property p : node.properties()) {
            byte[] value = p.value();
            int nameOffset = strings.offsetOf(Names.encode(p.name(), "property"));
            struct.u32(FDT_PROP).u32(value.length).u32(nameOffset).bytes(value).align(4);
        }
    }
}
