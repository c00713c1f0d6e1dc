package org.domus.xen;

/**
 * Where a Xen guest's Xen-owned pages sit in its guest-physical space. Xen puts them in holes of its own
 * memory map (GUEST_GNTTAB_BASE 0x38000000, GUEST_MAGIC_BASE 0x39000000); on an engine without stage-2
 * translation (QEMU's virt board: that hole is its PCIe window) they must be pages of the guest's RAM that the
 * guest is told not to use, so Domus carves them from the top of RAM and reserves them in the guest's tree.
 * Inside the magic pages the offsets are libxl's on Arm: console at +0, xenstore at +1.
 *
 * @param grantBase   first grant-table frame (the {@code /hypervisor} node's {@code reg})
 * @param grantFrames grant-table frames the region holds: the table's maximum size
 * @param magicBase   first magic page
 * @param magicPages  magic pages reserved
 */
public record XenLayout(long grantBase, int grantFrames, long magicBase, int magicPages) {
    public static final long PAGE = 4096;
    /** Xen's event-channel upcall on Arm (GUEST_EVTCHN_PPI): the {@code /hypervisor} node's interrupt, active-low level. */
    public static final int EVENT_CHANNEL_PPI = org.domus.xen.internal.HvmParams.EVTCHN_PPI;
    /** The region Domus reserves at the top of RAM: 64 grant frames (Xen's default maximum), then magic pages. */
    public static final long REGION = 1 << 20;
    public static final int DEFAULT_GRANT_FRAMES = 64;
    /** The second half of the region: console and xenstore pages, the rest kept free as Xen keeps its magic area. */
    public static final int MAGIC_PAGES = (int) (REGION / 2 / PAGE);

    public XenLayout {
        if ((grantBase | magicBase) % PAGE != 0 || grantFrames < 1 || magicPages < 2) {
            throw new IllegalArgumentException("Xen layout must be page-aligned with at least one grant frame and two magic pages");
        }
        if (grantBase < magicBase + magicPages * PAGE && magicBase < grantBase + grantFrames * PAGE) {
            throw new IllegalArgumentException("Xen layout: grant frames and magic pages overlap");
        }
    }

    /** The last MiB of RAM: grant frames first, magic pages in its second half. */
    public static XenLayout topOfRam(long ramBase, long ramBytes) {
        if (ramBytes < 2 * REGION || ramBytes % REGION != 0) {
            throw new IllegalArgumentException("guest RAM of " + ramBytes + " bytes cannot hold the Xen region (whole MiB, at least 2 MiB)");
        }
        long base = ramBase + ramBytes - REGION;
        return new XenLayout(base, DEFAULT_GRANT_FRAMES, base + REGION / 2, MAGIC_PAGES);
    }

    public long grantSize() {
        return grantFrames * PAGE;
    }

    /** HVM_PARAM_CONSOLE_PFN. */
    public long consolePfn() {
        return magicBase / PAGE;
    }

    /** HVM_PARAM_STORE_PFN once the store page is there (what init-dom0less puts at GUEST_MAGIC_BASE + 1 page). */
    public long storePfn() {
        return magicBase / PAGE + 1;
    }

    /** The guest-physical range to keep from the guest's allocator (one reserved-memory node). */
    public long reservedBase() {
        return Math.min(grantBase, magicBase);
    }

    public long reservedSize() {
        return Math.max(grantBase + grantSize(), magicBase + magicPages * PAGE) - reservedBase();
    }
}
