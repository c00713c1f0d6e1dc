package org.domus.xen.internal;

import org.domus.engine.xen.Hypercall.Stage1;

/**
 * Translates an EL1 virtual address the way the guest's MMU would (AArch64 stage 1, 4 KiB granule), by walking
 * the guest's own tables in its RAM: TTBR0 for the low half, TTBR1 for the high half, 25- to 48-bit input
 * ranges as TCR's T0SZ/T1SZ say (Debian's kernel uses 48), table, block and page descriptors. Pointer arguments
 * are translated here rather than by the program under the guest because a structure may span pages and
 * handles inside structures are virtual too. Anything the hardware would fault on is {@code -EFAULT}: a
 * walk reads at most four descriptors, each bounds-checked.
 */
public final class Stage1Walker {
    private static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;
    private static final long TTBR_BADDR = 0x0000_FFFF_FFFF_FFFEL;
    private static final long DESC_VALID = 1;
    private static final long DESC_TABLE = 2;
    private static final long DESC_AP2_RDONLY = 1L << 7;
    private static final long DESC_AF = 1L << 10;
    private static final long DESC_DBM = 1L << 51;
    private static final long TABLE_AP_RDONLY = 1L << 62;
    private static final long TCR_HA = 1L << 39;
    private static final long TCR_HD = 1L << 40;

    private Stage1Walker() {
    }

    /** The guest-physical address of {@code va}, checked for write permission if {@code write}. */
    public static long translate(GuestMemory mem, Stage1 s1, long va, boolean write) {
        if (!s1.mmuOn()) {
            return va;
        }
        long tcr = s1.tcr();
        boolean upper = ((va >>> 55) & 1) != 0;
        int tsz = (int) (upper ? (tcr >>> 16) & 0x3f : tcr & 0x3f);
        boolean walksDisabled = ((tcr >>> (upper ? 23 : 7)) & 1) != 0;
        boolean topByteIgnored = ((tcr >>> (upper ? 38 : 37)) & 1) != 0;
        int tg = (int) (upper ? (tcr >>> 30) & 3 : (tcr >>> 14) & 3);
        boolean granule4k = upper ? tg == 2 : tg == 0;
        // T*SZ below 16 means 52-bit addresses (LPA2), above 39 a range too small for a 4 KiB-granule walk.
        if (walksDisabled || !granule4k || tsz < 16 || tsz > 39) {
            throw XenError.fault();
        }
        int inputBits = 64 - tsz;
        int top = topByteIgnored ? 55 : 63;
        long rangeBits = (top == 63 ? -1L : (1L << (top + 1)) - 1) & ~((1L << inputBits) - 1);
        if ((va & rangeBits) != (upper ? rangeBits : 0)) {
            throw XenError.fault();
        }
        int levels = (inputBits - 12 + 8) / 9;
        int level = 4 - levels;
        long table = ((upper ? s1.ttbr1() : s1.ttbr0()) & TTBR_BADDR) & ~7L;
        boolean tableReadOnly = false;
        while (true) {
            int shift = 39 - 9 * level;
            int indexBits = level == 4 - levels ? inputBits - shift : 9;
            long index = (va >>> shift) & ((1L << indexBits) - 1);
            long desc = mem.readLong(table + index * 8);
            if ((desc & DESC_VALID) == 0) {
                throw XenError.fault();
            }
            if (level < 3 && (desc & DESC_TABLE) != 0) {
                tableReadOnly |= (desc & TABLE_AP_RDONLY) != 0;
                table = desc & OA_MASK;
                level++;
                continue;
            }
            // A block at level 0 does not exist with a 4 KiB granule; at level 3 bit 1 clear is reserved.
            if (level == 0 || (level == 3 && (desc & DESC_TABLE) == 0)) {
                throw XenError.fault();
            }
            checkLeaf(desc, tcr, write, tableReadOnly);
            long offsetMask = (1L << shift) - 1;
            return (desc & OA_MASK & ~offsetMask) | (va & offsetMask);
        }
    }

    private static void checkLeaf(long desc, long tcr, boolean write, boolean tableReadOnly) {
        if ((desc & DESC_AF) == 0 && (tcr & TCR_HA) == 0) {
            throw XenError.fault();
        }
        if (write) {
            boolean readOnly = (desc & DESC_AP2_RDONLY) != 0;
            // A writable-clean page with hardware dirty-bit management takes the write (the MMU would mark it dirty).
            boolean hardwareDirty = (desc & DESC_DBM) != 0 && (tcr & TCR_HD) != 0;
            if (tableReadOnly || (readOnly && !hardwareDirty)) {
                throw XenError.fault();
            }
        }
    }
}
