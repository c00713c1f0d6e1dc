package org.domus.uboot;

import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * What U-Boot writes into /chosen before it hands a tree over ({@code fdt_chosen}, {@code fdt_initrd}): the
 * {@code bootargs} variable as {@code bootargs} when it is set, and the ramdisk as {@code linux,initrd-start} and
 * {@code linux,initrd-end}, 64-bit when the root's {@code #address-cells} is 2. Xen reads dom0's ramdisk from there.
 */
final class Chosen {
    private Chosen() {
    }

    /** The tree with /chosen made if missing, bootargs (when not null) and the initrd (when start ≥ 0) set. */
    static Fdt apply(Fdt tree, String bootargs, long initrdStart, long initrdEnd) {
        Fdt t = tree.node("/chosen").isPresent() ? tree : tree.edit("/", n -> n.withChild(new Node("chosen", java.util.List.of(), java.util.List.of())));
        if (bootargs != null) {
            t = t.edit("/chosen", n -> n.withProperty(Property.ofString("bootargs", bootargs)));
        }
        if (initrdStart >= 0) {
            boolean wide = tree.root().property("#address-cells").map(p -> p.cells().length == 1 && p.cells()[0] == 2).orElse(true); // libfdt reads a missing #address-cells as 2
            t = t.edit("/chosen", n -> n.withProperty(number("linux,initrd-start", initrdStart, wide))
                    .withProperty(number("linux,initrd-end", initrdEnd, wide)));
        }
        return t;
    }

    private static Property number(String name, long value, boolean wide) {
        return wide ? Property.ofCells(name, (int) (value >>> 32), (int) value) : Property.ofCells(name, (int) value);
    }
}
