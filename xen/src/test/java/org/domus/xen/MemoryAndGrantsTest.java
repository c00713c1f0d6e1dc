package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** memory_op (the balloon, page counts, add_to_physmap), grant_table_op, hvm_op, vcpu_op and sched_op checks. */
class MemoryAndGrantsTest {
    static final long MiB = 1 << 20;
    private final XenSystem xen = new XenSystem();
    private final List<LinuxGuest> guests = new ArrayList<>();
    private final List<ShutdownReason> shutdowns = new ArrayList<>();

    @AfterEach
    void close() {
        guests.forEach(LinuxGuest::close);
    }

    private LinuxGuest guest(int domid, int vcpus) {
        XenDomain d = xen.create(new XenDomainConfig(domid, vcpus, TestRam.BASE, 16 * MiB, true), shutdowns::add);
        d.finishBuild();
        LinuxGuest g = new LinuxGuest(d);
        guests.add(g);
        return g;
    }

    private long reservation(LinuxGuest g, int cmd, long[] gfns, int order) {
        long list = g.kalloc(gfns.length * 8);
        for (int i = 0; i < gfns.length; i++) {
            g.put8(list + 8L * i, gfns[i]);
        }
        long r = g.kalloc(32);
        g.put8(r, list);
        g.put8(r + 8, gfns.length);
        g.put4(r + 16, order);
        g.put2(r + 24, LinuxGuest.DOMID_SELF);
        return g.call(0, 12, cmd, r);
    }

    private long pages(LinuxGuest g, int cmd) {
        long a = g.kalloc(2);
        g.put2(a, LinuxGuest.DOMID_SELF);
        return g.call(0, 12, cmd, a);
    }

    @Test
    void theToolstacksMaximumStopsTheBalloonTakingPagesBack() {
        LinuxGuest g = guest(1, 1);
        long total = 16 * MiB / 4096;
        long first = (TestRam.BASE >>> 12) + 2048;
        assertThat(reservation(g, 1, new long[] {first, first + 1, first + 2, first + 3}, 0)).isEqualTo(4);
        // xl mem-set's enforce: the maximum just above the target, here two pages above what the guest holds now
        g.domain.maxMemoryKib((total - 2) * 4);
        assertThat(pages(g, 4)).isEqualTo(total - 2);
        assertThat(reservation(g, 6, new long[] {first, first + 1, first + 2}, 0)).as("up to the maximum").isEqualTo(2);
        assertThat(g.domain.currentPages()).isEqualTo(total - 2);
        // a maximum above the RAM it was built with is the RAM
        g.domain.maxMemoryKib(1L << 40);
        assertThat(pages(g, 4)).isEqualTo(total);
        assertThat(reservation(g, 6, new long[] {first + 2, first + 3}, 0)).isEqualTo(2);
        assertThat(g.domain.currentPages()).isEqualTo(total);
    }

    @Test
    void theBalloonGivesPagesBackToTheHostAndTakesThemAgain() {
        LinuxGuest g = guest(1, 1);
        long total = 16 * MiB / 4096;
        assertThat(pages(g, 3)).isEqualTo(total);
        assertThat(pages(g, 4)).isEqualTo(total);
        long first = (TestRam.BASE >>> 12) + 2048;
        g.ram.writeLong(first << 12, 0x5a5a5a5a5a5a5a5aL);
        long[] gfns = {first, first + 1, first + 7};
        assertThat(reservation(g, 1, gfns, 0)).isEqualTo(3);
        assertThat(g.ram.discarded).extracting(r -> r[0]).containsExactly(first << 12, (first + 1) << 12, (first + 7) << 12);
        assertThat(g.ram.readLong(first << 12)).isZero();
        assertThat(pages(g, 3)).isEqualTo(total - 3);
        assertThat(g.domain.currentPages()).isEqualTo(total - 3);
        // giving back a page twice stops there: the count says how far it went
        assertThat(reservation(g, 1, new long[] {first + 2, first + 1, first + 3}, 0)).isEqualTo(1);
        // a frame outside RAM or a misaligned 2 MiB extent does nothing
        assertThat(reservation(g, 1, new long[] {0x1000}, 0)).isZero();
        assertThat(reservation(g, 1, new long[] {first + 1}, 9)).isZero();
        assertThat(reservation(g, 1, new long[] {first}, 10)).as("above the largest order").isZero();
        // populate brings them back, never above the maximum
        assertThat(reservation(g, 6, new long[] {first, first + 1, first + 2, first + 7}, 0)).isEqualTo(4);
        assertThat(pages(g, 3)).isEqualTo(total);
        assertThat(reservation(g, 6, new long[] {first + 100}, 0)).as("already populated").isEqualTo(1);
        // a 2 MiB extent
        long big = (TestRam.BASE >>> 12) + 1024;
        assertThat(reservation(g, 1, new long[] {big}, 9)).isEqualTo(1);
        assertThat(pages(g, 3)).isEqualTo(total - 512);
        // an unreadable list stops the call without an error
        long r = g.kalloc(32);
        g.put8(r, 0xdead_0000L);
        g.put8(r + 8, 4);
        g.put2(r + 24, LinuxGuest.DOMID_SELF);
        assertThat(g.call(0, 12, 1, r)).isZero();
        // another domain's reservation is not ours
        guest(2, 1);
        g.put2(r + 24, 2);
        assertThat(g.call(0, 12, 1, r)).isEqualTo(-1);
        assertThat(g.domain.internalErrors()).isZero();
    }

    @Test
    void addToPhysmapChecksItsSpaceIndexAndFrame() {
        LinuxGuest g = guest(1, 1);
        long page = g.pa(g.kalloc(4096)) >>> 12;
        assertThat(g.addToPhysmap(0, 1, page)).isEqualTo(-22);
        assertThat(g.addToPhysmap(0, 0, 0x10)).isEqualTo(-22);
        assertThat(g.addToPhysmap(2, 0, page)).isEqualTo(-38);
        assertThat(g.addToPhysmap(1, 64, page)).as("beyond the table's maximum").isEqualTo(-22);
        assertThat(g.addToPhysmap(1, 0x8000_0000L, page)).as("v2 status frames").isEqualTo(-22);
        assertThat(g.addToPhysmap(1, 3, page)).isZero();
        long q = g.kalloc(16);
        g.put2(q, LinuxGuest.DOMID_SELF);
        assertThat(g.call(0, 20, 6, q, 1)).isZero();
        assertThat(g.get4(q + 4)).as("the table grew to the mapped frame").isEqualTo(4);
        assertThat(g.call(0, 20, 6, q, 2)).isEqualTo(-22);
        g.put2(q, 7);
        assertThat(g.call(0, 20, 6, q, 1)).isZero();
        assertThat((short) g.get2(q + 12)).as("GNTST_bad_domain").isEqualTo((short) -2);
    }

    @Test
    void grantTableVersionAndSetupTable() {
        LinuxGuest g = guest(1, 1);
        long v = g.kalloc(4);
        g.put4(v, 2);
        assertThat(g.call(0, 20, 8, v, 1)).isEqualTo(-13);
        assertThat(g.get4(v)).as("the version in force is reported").isEqualTo(1);
        g.put4(v, 3);
        assertThat(g.call(0, 20, 8, v, 1)).isEqualTo(-22);
        long gv = g.kalloc(8);
        g.put2(gv, LinuxGuest.DOMID_SELF);
        assertThat(g.call(0, 20, 10, gv, 1)).isZero();
        assertThat(g.get4(gv + 4)).isEqualTo(1);

        long frame = g.domain.layout().grantBase() >>> 12;
        assertThat(g.addToPhysmap(1, 0, frame)).isZero();
        long list = g.kalloc(16);
        long s = g.kalloc(24);
        g.put2(s, LinuxGuest.DOMID_SELF);
        g.put4(s + 4, 2);
        g.put8(s + 16, list);
        assertThat(g.call(0, 20, 2, s, 1)).isZero();
        assertThat((short) g.get2(s + 8)).isZero();
        assertThat(g.get8(list)).isEqualTo(frame);
        assertThat(g.get8(list + 8)).as("frame 1 is not mapped").isEqualTo(-1L);
        g.put4(s + 4, 65);
        assertThat(g.call(0, 20, 2, s, 1)).isZero();
        assertThat((short) g.get2(s + 8)).isEqualTo((short) -1);
        g.put4(s + 4, 1);
        g.put8(s + 16, 0x10);
        assertThat(g.call(0, 20, 2, s, 1)).isZero();
        assertThat((short) g.get2(s + 8)).as("GNTST_bad_virt_addr").isEqualTo((short) -5);
        assertThat(g.call(0, 20, 0, s, 1)).as("map_grant_ref is not offered").isEqualTo(-38);
    }

    @Test
    void theGuestReadsItsParametersButNeverSetsThem() {
        LinuxGuest g = guest(1, 1);
        assertThat(g.getParam(0)).as("CALLBACK_IRQ: PPI 31, active-low level").isEqualTo((2L << 56) | (2 << 8) | 31);
        long p = g.kalloc(16);
        g.put2(p, LinuxGuest.DOMID_SELF);
        g.put4(p + 4, 1);
        g.put8(p + 8, 0x1234);
        assertThat(g.call(0, 34, 0, p)).isEqualTo(-1);
        assertThat(g.getParam(1)).isEqualTo(-1L);
        g.put4(p + 4, 5);
        assertThat(g.call(0, 34, 1, p)).isEqualTo(-22);
        g.put4(p + 4, 28);
        assertThat(g.call(0, 34, 1, p)).isEqualTo(-1);
        g.put4(p + 4, 39);
        assertThat(g.call(0, 34, 1, p)).isEqualTo(-22);
        g.put2(p, 5);
        g.put4(p + 4, 1);
        assertThat(g.call(0, 34, 1, p)).isEqualTo(-3);
        assertThat(g.call(0, 34, 5, p)).isEqualTo(-38);
        assertThat(g.call(0, 34, 1, 0xffff_0000_dead_0000L)).isEqualTo(-14);
    }

    @Test
    void vcpuOpChecksAreasAndRegistersOnce() {
        LinuxGuest g = guest(1, 2);
        long page = g.pa(g.kalloc(4096));
        long a = g.kalloc(16);
        g.put8(a, page >>> 12);
        g.put4(a + 8, 4096 - 40);
        assertThat(g.call(0, 24, 10, 0, a)).as("crosses a page").isEqualTo(-6);
        g.put4(a + 8, 4);
        assertThat(g.call(0, 24, 10, 0, a)).as("misaligned").isEqualTo(-6);
        g.put4(a + 8, 4096);
        assertThat(g.call(0, 24, 10, 0, a)).isEqualTo(-22);
        g.put8(a, 0x10);
        g.put4(a + 8, 0);
        assertThat(g.call(0, 24, 10, 0, a)).as("not RAM").isEqualTo(-22);
        g.put8(a, page >>> 12);
        assertThat(g.call(0, 24, 10, 0, a)).isZero();
        assertThat(g.call(0, 24, 10, 0, a)).isEqualTo(-16);
        assertThat(g.call(0, 24, 10, 2, a)).isEqualTo(-2);
        assertThat(g.call(0, 24, 0, 0, a)).isEqualTo(-38);

        long runstate = g.kalloc(48);
        long pa = g.kalloc(8);
        g.put8(pa, g.pa(runstate));
        assertThat(g.call(1, 24, 14, 1, pa)).isZero();
        assertThat(g.get4(runstate)).isZero();
        assertThat(g.call(1, 21, 0, 5)).isZero();
        assertThat(g.call(1, 21, 0, 4)).isEqualTo(-22);
        assertThat(g.call(1, 21, 3, 5)).isEqualTo(-38);
        // a poll with nothing pending blocks at most briefly and shows the vCPU blocked meanwhile: entry time moves
        long before = g.get8(runstate + 8);
        long ports = g.kalloc(4);
        g.put4(ports, 1);
        long poll = g.kalloc(24);
        g.put8(poll, ports);
        g.put4(poll + 8, 1);
        assertThat(g.call(1, 29, 3, poll)).isZero();
        assertThat(g.get4(runstate)).as("running again").isZero();
        assertThat(g.get8(runstate + 8)).isGreaterThan(before);
        assertThat(g.get8(runstate + 16 + 16)).as("time blocked").isPositive();
        g.put4(poll + 8, 129);
        assertThat(g.call(1, 29, 3, poll)).isEqualTo(-22);
        g.put4(poll + 8, 1);
        g.put4(ports, 1024);
        assertThat(g.call(1, 29, 3, poll)).isEqualTo(-22);
    }

    @Test
    void schedOpShutdownReasonsGoToTheOwner() {
        LinuxGuest g = guest(1, 1);
        long r = g.kalloc(8);
        // suspend lets the guest go on; the first other reason is the domain's, and later ones are ignored, as in
        // Xen's domain_shutdown (Linux, back from SCHEDOP_shutdown, asks again through PSCI)
        for (int reason : new int[] {2, 3, 1, 4}) {
            g.put4(r, reason);
            assertThat(g.call(0, 29, 2, r)).isZero();
        }
        g.put4(r, 6);
        assertThat(g.call(0, 29, 2, r)).isEqualTo(-22);
        assertThat(shutdowns).containsExactly(ShutdownReason.SUSPEND, ShutdownReason.CRASH);
        g.put2(r, 1);
        assertThat(g.call(0, 29, 4, r)).as("remote_shutdown of itself needs privilege").isEqualTo(-1);
        assertThat(g.call(0, 29, 0, 0)).isZero();
        assertThat(g.call(0, 29, 1, 0)).isZero();
        assertThat(g.call(0, 29, 6, r)).isEqualTo(-38);
    }
}
