package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.domus.engine.xen.Hypercall.Stage1;
import org.domus.xen.internal.GuestMemory;
import org.domus.xen.internal.GuestVirtual;
import org.domus.xen.internal.Stage1Walker;
import org.domus.xen.internal.XenError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stage-1 walk on tables written as a kernel writes them; every fault is -EFAULT, never a host exception. */
class Stage1WalkerTest {
    static final long KVA = 0xffff_8000_1234_5000L;
    private final TestRam ram = new TestRam(16 << 20);
    private final GuestMemory mem = new GuestMemory(ram);

    @AfterEach
    void close() {
        ram.close();
    }

    @Test
    void walksFourLevelsFor48BitKernelAddresses() {
        PageTables t = new PageTables(ram, 48);
        long pa = ram.allocPage();
        t.mapPage(KVA, pa, 0);
        assertThat(Stage1Walker.translate(mem, t.regs(), KVA + 0x123, false)).isEqualTo(pa + 0x123);
        assertThat(Stage1Walker.translate(mem, t.regs(), KVA + 0xfff, true)).isEqualTo(pa + 0xfff);
    }

    @Test
    void walksThreeLevelsFor39BitAddressesAndTheLowHalfThroughTtbr0() {
        PageTables t = new PageTables(ram, 39);
        long high = 0xffff_ffc0_0801_0000L;
        long low = 0x0000_0040_1000_2000L;
        long pa1 = ram.allocPage();
        long pa2 = ram.allocPage();
        t.mapPage(high, pa1, 0);
        t.mapPage(low, pa2, 0);
        assertThat(Stage1Walker.translate(mem, t.regs(), high + 8, false)).isEqualTo(pa1 + 8);
        assertThat(Stage1Walker.translate(mem, t.regs(), low + 16, false)).isEqualTo(pa2 + 16);
        // A 48-bit address is outside a 39-bit TTBR1 range.
        assertThatThrownBy(() -> Stage1Walker.translate(mem, t.regs(), 0xffff_8000_0000_0000L, false)).isInstanceOf(XenError.class);
    }

    @Test
    void blocksOfTwoMegabytesAndOneGigabyte() {
        PageTables t = new PageTables(ram, 48);
        t.mapBlock(0xffff_0000_0020_0000L, TestRam.BASE + (4 << 20), 2);
        assertThat(Stage1Walker.translate(mem, t.regs(), 0xffff_0000_0020_0000L + 0x1_2345, false))
                .isEqualTo(TestRam.BASE + (4 << 20) + 0x1_2345);
        t.mapBlock(0xffff_0001_4000_0000L, TestRam.BASE, 1);
        assertThat(Stage1Walker.translate(mem, t.regs(), 0xffff_0001_4000_0000L + 0x80_1234, false)).isEqualTo(TestRam.BASE + 0x80_1234);
    }

    @Test
    void mmuOffIsIdentityAndStillBoundsChecked() {
        Stage1 off = new Stage1(0, 0, 0, 0);
        GuestVirtual g = new GuestVirtual(mem, off);
        ram.writeLong(TestRam.BASE + 0x2000, 0x1122334455667788L);
        assertThat(g.readLong(TestRam.BASE + 0x2000)).isEqualTo(0x1122334455667788L);
        assertThatThrownBy(() -> g.readLong(TestRam.BASE - 8)).isInstanceOf(XenError.class);
        assertThatThrownBy(() -> g.readLong(TestRam.BASE + ram.size() - 4)).isInstanceOf(XenError.class);
        assertThatThrownBy(() -> g.readLong(-8)).isInstanceOf(XenError.class);
    }

    @Test
    void aStructureAcrossAPageBoundaryIsReadAndWrittenPieceByPiece() {
        PageTables t = new PageTables(ram, 48);
        long pa1 = ram.allocPage();
        ram.allocPage();
        long pa2 = ram.allocPage();
        t.mapPage(KVA, pa1, 0);
        t.mapPage(KVA + 4096, pa2, 0);
        GuestVirtual g = new GuestVirtual(mem, t.regs());
        g.writeLong(KVA + 4092, 0xAABBCCDD_11223344L);
        assertThat(ram.readInt(pa1 + 4092)).isEqualTo(0x11223344);
        assertThat(ram.readInt(pa2)).isEqualTo(0xAABBCCDD);
        assertThat(g.readLong(KVA + 4092)).isEqualTo(0xAABBCCDD_11223344L);
    }

    @Test
    void everyWayAWalkFailsIsAFault() {
        PageTables t = new PageTables(ram, 48);
        long pa = ram.allocPage();
        t.mapPage(KVA, pa, 0);
        Stage1 s1 = t.regs();
        // unmapped, non-canonical, top byte set in the kernel half without TBI1
        assertThatThrownBy(() -> Stage1Walker.translate(mem, s1, KVA + 4096, false)).isInstanceOf(XenError.class);
        assertThatThrownBy(() -> Stage1Walker.translate(mem, s1, 0x0001_0000_0000_0000L, false)).isInstanceOf(XenError.class);
        assertThatThrownBy(() -> Stage1Walker.translate(mem, s1, KVA & 0x7fff_ffff_ffff_ffffL, false)).isInstanceOf(XenError.class);
        // read-only page written, access flag clear, table pointing outside RAM
        t.setLeaf(KVA, pa | PageTables.PAGE | PageTables.AF | PageTables.AP_RDONLY);
        assertThat(Stage1Walker.translate(mem, s1, KVA, false)).isEqualTo(pa);
        assertThatThrownBy(() -> Stage1Walker.translate(mem, s1, KVA, true)).isInstanceOf(XenError.class);
        t.setLeaf(KVA, pa | PageTables.PAGE);
        assertThatThrownBy(() -> Stage1Walker.translate(mem, s1, KVA, false)).isInstanceOf(XenError.class);
        t.setLeaf(KVA, 0x7_0000_0000L | PageTables.PAGE | PageTables.AF);
        long outside = Stage1Walker.translate(mem, s1, KVA, false);
        assertThatThrownBy(() -> mem.slice(outside, 8)).isInstanceOf(XenError.class);
        // a level-3 entry with bit 1 clear is reserved
        t.setLeaf(KVA, pa | PageTables.VALID | PageTables.AF);
        assertThatThrownBy(() -> Stage1Walker.translate(mem, s1, KVA, false)).isInstanceOf(XenError.class);
        // a read-only table above the page forbids writes below it
        t.setLeaf(KVA, pa | PageTables.PAGE | PageTables.AF);
        t.tableReadOnly(KVA);
        assertThat(Stage1Walker.translate(mem, s1, KVA, false)).isEqualTo(pa);
        assertThatThrownBy(() -> Stage1Walker.translate(mem, s1, KVA, true)).isInstanceOf(XenError.class);
        // walks disabled (EPD1), a 64 KiB granule, a root outside RAM
        Stage1 epd = new Stage1(s1.sctlr(), s1.tcr() | (1L << 23), s1.ttbr0(), s1.ttbr1());
        assertThatThrownBy(() -> Stage1Walker.translate(mem, epd, KVA, false)).isInstanceOf(XenError.class);
        Stage1 g64 = new Stage1(s1.sctlr(), (s1.tcr() & ~(3L << 30)) | (3L << 30), s1.ttbr0(), s1.ttbr1());
        assertThatThrownBy(() -> Stage1Walker.translate(mem, g64, KVA, false)).isInstanceOf(XenError.class);
        Stage1 wild = new Stage1(s1.sctlr(), s1.tcr(), s1.ttbr0(), 0x1000);
        assertThatThrownBy(() -> Stage1Walker.translate(mem, wild, KVA, false)).isInstanceOf(XenError.class);
    }
}
