package org.domus.engine;

import java.util.function.UnaryOperator;

/**
 * The shape of the machine a guest sees, as Xen would build it for the domain: the GIC version (Xen gives a domU the
 * host's own), whether it has an emulated UART ({@code vpl011}: a PL011 on Arm64, COM1 on x86), and an edit of its
 * device tree made above the engine (a {@code multiboot,device-tree} module merged as Xen merges a partial tree).
 *
 * @param gicVersion 2 or 3
 * @param uart       the guest has its emulated UART; without it, an Arm64 guest's tree has no PL011 and no stdout-path
 * @param treeEdit   applied to the guest's device tree before a Xen guest's own edit, or null for none
 */
public record GuestMachine(int gicVersion, boolean uart, UnaryOperator<byte[]> treeEdit) {
    /** QEMU virt's GICv3, a UART, nothing merged: what every domain had before the machine could be shaped. */
    public static final GuestMachine DEFAULT = new GuestMachine(3, true, null);

    public GuestMachine {
        if (gicVersion != 2 && gicVersion != 3) {
            throw new IllegalArgumentException("GIC version " + gicVersion + " (2 or 3)");
        }
    }

    /** The engine cannot use its own device tree unchanged: a UART to take away or a partial tree to merge. */
    public boolean editsTree() {
        return !uart || treeEdit != null;
    }
}
