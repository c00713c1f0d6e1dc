package org.domus.xen;

import java.util.HashMap;
import java.util.Map;

import org.domus.engine.xen.Hypercall.Stage1;

/**
 * Real AArch64 stage-1 tables (4 KiB granule) written into a test's guest RAM, the way a kernel builds them:
 * TTBR1 for the kernel half, TTBR0 for the low half, pages at level 3, blocks at levels 1 and 2. Also keeps
 * its own record of which page maps where, so tests can check the walker against what they built.
 */
final class PageTables {
    static final long VALID = 1;
    static final long TABLE = 2;
    static final long PAGE = 3;
    static final long AF = 1L << 10;
    static final long AP_RDONLY = 1L << 7;
    static final long APTABLE_RDONLY = 1L << 62;
    /** Arbitrary ASID in the TTBRs: the walker must ignore it. */
    static final long ASID = 0x2aL << 48;

    private final TestRam ram;
    private final int vaBits;
    private final long root0;
    private final long root1;
    private final Map<Long, Long> pages = new HashMap<>();

    PageTables(TestRam ram, int vaBits) {
        this.ram = ram;
        this.vaBits = vaBits;
        this.root0 = ram.allocPage();
        this.root1 = ram.allocPage();
    }

    /** TCR_EL1 as Linux sets it for 4 KiB pages: T0SZ = T1SZ = 64 - vaBits, TG0 = 4K, TG1 = 4K, TBI0. */
    long tcr() {
        long tsz = 64 - vaBits;
        return tsz | (tsz << 16) | (2L << 30) | (1L << 37) | (5L << 32);
    }

    Stage1 regs() {
        return new Stage1(0x30d0_5d1dL, tcr(), root0 | ASID, root1 | ASID);
    }

    int startLevel() {
        return 4 - (vaBits - 12 + 8) / 9;
    }

    /** Maps the 4 KiB page at {@code va} to {@code pa} with extra leaf {@code attrs}. */
    void mapPage(long va, long pa, long attrs) {
        long table = tableFor(va, 3, 0);
        ram.writeLong(table + index(va, 3) * 8, pa | PAGE | AF | attrs);
        pages.put(va & ~0xfffL, pa);
    }

    /** Maps a block at level 1 (1 GiB) or 2 (2 MiB). */
    void mapBlock(long va, long pa, int level) {
        long table = tableFor(va, level, 0);
        ram.writeLong(table + index(va, level) * 8, pa | VALID | AF);
    }

    /** Marks the table descriptor that leads to {@code va}'s level-3 table read-only (APTable[1]). */
    void tableReadOnly(long va) {
        long table = tableFor(va, 2, 0);
        long at = table + index(va, 2) * 8;
        ram.writeLong(at, ram.readLong(at) | APTABLE_RDONLY);
    }

    /** Overwrites the leaf descriptor of a mapped page. */
    void setLeaf(long va, long descriptor) {
        long table = tableFor(va, 3, 0);
        ram.writeLong(table + index(va, 3) * 8, descriptor);
    }

    Long physical(long va) {
        Long page = pages.get(va & ~0xfffL);
        return page == null ? null : page + (va & 0xfff);
    }

    private long index(long va, int level) {
        int shift = 39 - 9 * level;
        int bits = level == startLevel() ? vaBits - shift : 9;
        return (va >>> shift) & ((1L << bits) - 1);
    }

    private long tableFor(long va, int level, long ignored) {
        long table = ((va >>> 55) & 1) != 0 ? root1 : root0;
        for (int l = startLevel(); l < level; l++) {
            long at = table + index(va, l) * 8;
            long desc = ram.readLong(at);
            if ((desc & VALID) == 0) {
                long next = ram.allocPage();
                desc = next | VALID | TABLE;
                ram.writeLong(at, desc);
            }
            table = desc & 0x0000_FFFF_FFFF_F000L;
        }
        return table;
    }
}
