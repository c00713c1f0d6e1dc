package org.domus.xen.internal;

import java.util.Optional;

import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * Turns an engine's guest device tree into a Xen guest's: the {@code /hypervisor} node as Xen's
 * make_hypervisor_node writes it (compatible {@code "xen,xen-<version>", "xen,xen"}, {@code reg} = the
 * grant-table region, {@code interrupts} = the event-channel PPI 31, active-low level, all CPUs) and a
 * {@code no-map} reserved-memory node over the Xen region, which on an engine without stage 2 is the guest's
 * own RAM that it must leave alone.
 */
public final class GuestTree {
    static final String COMPATIBLE_VERSION = "xen,xen-" + VersionOp.MAJOR + "." + VersionOp.MINOR;
    /** GIC PPI 31 (cell 15 in the PPI space), flags: CPU mask 0xf, IRQ_TYPE_LEVEL_LOW (8). */
    static final int[] EVTCHN_INTERRUPT = {1, HvmParams.EVTCHN_PPI - 16, 0xf08};

    private GuestTree() {
    }

    public static byte[] edit(byte[] dtb, long grantBase, long grantSize, long reservedBase, long reservedSize) {
        Fdt fdt;
        try {
            fdt = Fdt.fromDtb(dtb);
        } catch (FdtException e) {
            throw new IllegalArgumentException("guest device tree: " + e.getMessage(), e);
        }
        Node root = fdt.root();
        int addressCells = cells(root, "#address-cells", 2);
        int sizeCells = cells(root, "#size-cells", 1);
        Node hypervisor = new Node("hypervisor", java.util.List.of(
                Property.ofString("compatible", COMPATIBLE_VERSION, "xen,xen"),
                reg(addressCells, sizeCells, grantBase, grantSize),
                Property.ofCells("interrupts", EVTCHN_INTERRUPT)), java.util.List.of());
        String reservedName = "xen-pv@" + Long.toHexString(reservedBase);
        Node reserved = new Node(reservedName, java.util.List.of(
                reg(addressCells, sizeCells, reservedBase, reservedSize),
                Property.empty("no-map")), java.util.List.of());
        Fdt out = fdt.edit("/", r -> {
            Node n = r;
            Optional<Node> old = n.child("hypervisor");
            n = old.isPresent() ? n.replacingChild(old.get(), hypervisor) : n.withChild(hypervisor);
            Optional<Node> rm = n.child("reserved-memory");
            Node memories = rm.orElseGet(() -> new Node("reserved-memory", java.util.List.of(
                    Property.ofCells("#address-cells", addressCells),
                    Property.ofCells("#size-cells", sizeCells),
                    Property.empty("ranges")), java.util.List.of()));
            Optional<Node> stale = memories.child(reservedName);
            memories = stale.isPresent() ? memories.replacingChild(stale.get(), reserved) : memories.withChild(reserved);
            return rm.isPresent() ? n.replacingChild(rm.get(), memories) : n.withChild(memories);
        });
        return out.toDtb();
    }

    private static int cells(Node node, String name, int fallback) {
        return node.property(name).map(Property::cells).filter(c -> c.length == 1).map(c -> c[0]).orElse(fallback);
    }

    private static Property reg(int addressCells, int sizeCells, long address, long size) {
        int[] cells = new int[addressCells + sizeCells];
        put(cells, 0, addressCells, address);
        put(cells, addressCells, sizeCells, size);
        return Property.ofCells("reg", cells);
    }

    private static void put(int[] cells, int at, int count, long value) {
        if (count > 2 || count < 1 || (count == 1 && (value >>> 32) != 0)) {
            throw new IllegalArgumentException("guest device tree: cannot write 0x" + Long.toHexString(value) + " in " + count + " cells");
        }
        if (count == 2) {
            cells[at] = (int) (value >>> 32);
            cells[at + 1] = (int) value;
        } else {
            cells[at] = (int) value;
        }
    }
}
