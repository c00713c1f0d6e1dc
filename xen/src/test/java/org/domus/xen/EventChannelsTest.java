package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Event channels within and between domains, 2-level delivery as Xen does it on Arm. */
class EventChannelsTest {
    static final long MiB = 1 << 20;
    private final XenSystem xen = new XenSystem();
    private final List<LinuxGuest> guests = new ArrayList<>();

    @AfterEach
    void close() {
        guests.forEach(LinuxGuest::close);
    }

    private LinuxGuest guest(int domid, int vcpus) {
        XenDomain d = xen.create(new XenDomainConfig(domid, vcpus, TestRam.BASE, 16 * MiB, true), r -> { });
        d.finishBuild();
        LinuxGuest g = new LinuxGuest(d);
        guests.add(g);
        return g;
    }

    @Test
    void twoDomainsBindAndNotifyEachOther() {
        LinuxGuest a = guest(1, 1);
        LinuxGuest b = guest(2, 1);
        long sa = a.mapSharedInfo();
        long sb = b.mapSharedInfo();
        long va = a.registerVcpuInfos();
        long vb = b.registerVcpuInfos();
        a.takeSelector(va);
        b.takeSelector(vb);

        int pa = (int) a.allocUnbound(2);
        assertThat(pa).isPositive();
        assertThat(a.domain.port(pa).state()).isEqualTo(1);
        assertThat(a.domain.port(pa).remoteDomid()).isEqualTo(2);
        int pb = (int) b.bindInterdomain(1, pa);
        assertThat(pb).isPositive();
        assertThat(b.pendingBit(sb, pb)).as("bind_interdomain signals the new port once").isTrue();
        assertThat(a.domain.port(pa)).isEqualTo(new XenDomain.PortInfo(2, 0, 2, pb, false));
        b.ram.writeLong(sb + 48 + (pb / 64) * 8L, 0);
        b.takeSelector(vb);

        int before = a.upcalls.count(0);
        assertThat(b.send(pb)).isZero();
        assertThat(a.pendingBit(sa, pa)).isTrue();
        assertThat(a.takeSelector(va)).isEqualTo(1L << (pa / 64));
        assertThat(a.upcalls.count(0)).isEqualTo(before + 1);

        // A second send while still pending raises nothing more.
        assertThat(b.send(pb)).isZero();
        assertThat(a.upcalls.count(0)).isEqualTo(before + 1);

        int beforeB = b.upcalls.count(0);
        assertThat(a.send(pa)).isZero();
        assertThat(b.pendingBit(sb, pb)).isTrue();
        assertThat(b.upcalls.count(0)).isEqualTo(beforeB + 1);

        // status as the guest reads it
        assertThat(a.evtchn(5, LinuxGuest.DOMID_SELF, pa)).isZero();
        long st = a.lastArg;
        assertThat(a.get4(st + 8)).as("EVTCHNSTAT_interdomain").isEqualTo(2);
        assertThat(a.get2(st + 16)).isEqualTo(2);
        assertThat(a.get4(st + 20)).isEqualTo(pb);

        // closing one end leaves the other unbound for it; sends on it are dropped, not errors
        assertThat(a.evtchn(3, pa)).isZero();
        assertThat(b.domain.port(pb).state()).isEqualTo(1);
        assertThat(b.domain.port(pb).remoteDomid()).isEqualTo(1);
        assertThat(b.send(pb)).isZero();
        assertThat(a.send(pa)).isEqualTo(-22);
        assertThat(a.evtchn(3, pa)).isEqualTo(-22);
        assertThat(a.domain.internalErrors() + b.domain.internalErrors()).isZero();
    }

    @Test
    void aMaskedPortStaysPendingAndUnmaskReRaisesItOnItsVcpu() {
        LinuxGuest a = guest(1, 2);
        LinuxGuest b = guest(2, 1);
        long sa = a.mapSharedInfo();
        long va = a.registerVcpuInfos();
        a.takeSelector(va);
        a.takeSelector(va + 64);
        int pa = (int) a.allocUnbound(2);
        int pb = (int) b.bindInterdomain(1, pa);
        // the port notifies vCPU 1
        assertThat(a.evtchn(8, pa, 1)).isZero();
        a.setMask(sa, pa, true);

        int before1 = a.upcalls.count(1);
        assertThat(b.send(pb)).isZero();
        assertThat(a.pendingBit(sa, pa)).isTrue();
        assertThat(a.upcalls.count(1)).as("masked: no upcall").isEqualTo(before1);
        assertThat(a.ram.readLong(va + 64 + 8)).isZero();

        // vCPU 0 unmasks it (as Linux does for a port of another vCPU): Xen re-raises on vCPU 1
        assertThat(a.unmask(pa)).isZero();
        assertThat(a.upcalls.count(1)).isEqualTo(before1 + 1);
        assertThat(a.ram.readLong(va + 64 + 8)).isEqualTo(1L << (pa / 64));
        assertThat(a.ram.readLong(sa + 48 + 512 + (pa / 64) * 8L) & (1L << (pa % 64))).isZero();
        // unmasking an unmasked port changes nothing
        a.takeSelector(va + 64);
        assertThat(a.unmask(pa)).isZero();
        assertThat(a.upcalls.count(1)).isEqualTo(before1 + 1);
        assertThat(a.unmask(5000)).isEqualTo(-22);
    }

    @Test
    void virqsIpisAndArgumentChecks() {
        LinuxGuest a = guest(1, 2);
        long sa = a.mapSharedInfo();
        // VIRQ_TIMER per vCPU, twice is -EEXIST; a global VIRQ belongs to the hardware domain
        assertThat(a.evtchn(1, 0, 1)).isZero();
        int timer = a.get4(a.lastArg + 8);
        assertThat(a.domain.port(timer).state()).isEqualTo(4);
        assertThat(a.evtchn(1, 0, 1)).isEqualTo(-17);
        assertThat(a.evtchn(1, 3, 0)).isEqualTo(-16);
        assertThat(a.evtchn(1, 3, 1)).as("a global VIRQ on vCPU 1").isEqualTo(-22);
        assertThat(a.evtchn(1, 24, 0)).isEqualTo(-22);
        assertThat(a.evtchn(1, 0, 7)).isEqualTo(-2);
        assertThat(a.send(timer)).isEqualTo(-22);
        assertThat(a.evtchn(8, timer, 0)).as("per-vCPU VIRQs do not move").isEqualTo(-22);
        assertThat(a.evtchn(3, timer)).isZero();
        assertThat(a.evtchn(1, 0, 1)).as("bindable again after close").isZero();

        // an IPI port notifies its own vCPU
        assertThat(a.evtchn(7, 1)).isZero();
        int ipi = a.get4(a.lastArg + 4);
        assertThat(a.send(ipi)).isZero();
        assertThat(a.pendingBit(sa, ipi)).isTrue();
        assertThat(a.evtchn(7, 2)).isEqualTo(-2);

        // PIRQs do not exist on Arm; FIFO set-up, reset and unknown commands are refused
        assertThat(a.evtchn(2, 1, 0)).isEqualTo(-95);
        assertThat(a.evtchn(12)).isEqualTo(-38);
        assertThat(a.evtchn(99)).isEqualTo(-38);
        // another domain's ports are not ours to allocate, a missing one is -ESRCH
        LinuxGuest b = guest(2, 1);
        long arg = a.kalloc(8);
        a.put2(arg, 2);
        assertThat(a.call(0, 32, 6, arg)).isEqualTo(-1);
        a.put2(arg, 9);
        assertThat(a.call(0, 32, 6, arg)).isEqualTo(-3);
        assertThat(a.bindInterdomain(9, 1)).isEqualTo(-3);
        assertThat(a.bindInterdomain(2, 1)).as("b's port 1 is not unbound for a").isEqualTo(-22);
        assertThat(b.domain.internalErrors()).isZero();
    }

    @Test
    void staticChannelsAreBoundAtBuildAndRebuiltForARebootedGuest() {
        XenDomain a = xen.create(new XenDomainConfig(1, 1, TestRam.BASE, 16 * MiB, true), r -> { });
        XenDomain b = xen.create(new XenDomainConfig(2, 1, TestRam.BASE, 16 * MiB, true), r -> { });
        xen.bindStatic(1, 10, 2, 20);
        assertThatThrownBy(() -> xen.bindStatic(1, 10, 2, 21)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("static event channel d1 port 10 <-> d2 port 21: port 10 of d1 is already in use");
        assertThatThrownBy(() -> xen.bindStatic(1, 11, 3, 21)).hasMessageContaining("no Xen domain d3");
        a.finishBuild();
        b.finishBuild();
        assertThat(a.storePort()).as("dynamic ports come after static ones, from the first free").isEqualTo(1);
        LinuxGuest ga = new LinuxGuest(a);
        LinuxGuest gb = new LinuxGuest(b);
        guests.add(ga);
        guests.add(gb);
        assertThat(a.port(10)).isEqualTo(new XenDomain.PortInfo(2, 0, 2, 20, true));
        long sb = gb.mapSharedInfo();
        gb.ram.writeLong(sb + 48, 0);
        assertThat(ga.send(10)).isZero();
        assertThat(gb.pendingBit(sb, 20)).isTrue();

        // b reboots: a new guest on new RAM finds its static port bound again, a's end follows
        LinuxGuest gb2 = new LinuxGuest(b);
        guests.add(gb2);
        assertThat(b.port(20).state()).isEqualTo(2);
        assertThat(a.port(10).remotePort()).isEqualTo(20);
        long sb2 = gb2.mapSharedInfo();
        gb2.ram.writeLong(sb2 + 48, 0);
        assertThat(ga.send(10)).isZero();
        assertThat(gb2.pendingBit(sb2, 20)).isTrue();
        assertThat(gb2.getParam(2)).as("same store port after the reboot").isEqualTo(b.storePort());
        assertThat(gb2.getParam(18)).isEqualTo(b.console().port());

        // b destroyed: a's end is unbound for it
        xen.destroy(2);
        assertThat(a.port(10).state()).isEqualTo(1);
        assertThat(ga.send(10)).isZero();
    }

    @Test
    void bothEndsOfAStaticChannelRebuiltAtOnceFindItBound() throws Exception {
        XenDomain a = xen.create(new XenDomainConfig(1, 1, TestRam.BASE, 16 * MiB, false), r -> { });
        XenDomain b = xen.create(new XenDomainConfig(2, 1, TestRam.BASE, 16 * MiB, false), r -> { });
        xen.bindStatic(1, 10, 2, 20);
        a.finishBuild();
        b.finishBuild();
        // a system's guests are built in parallel, and both ends of a channel may reboot together: whatever the
        // interleaving, neither may leave its end unbound waiting for the other
        for (int round = 0; round < 100; round++) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            List<LinuxGuest> made = java.util.Collections.synchronizedList(new ArrayList<>());
            for (XenDomain d : List.of(a, b)) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    made.add(new LinuxGuest(d));
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            guests.addAll(made);
            assertThat(made).hasSize(2);
            assertThat(a.port(10)).as("round %d", round).extracting(XenDomain.PortInfo::state, XenDomain.PortInfo::remotePort)
                    .containsExactly(2, 20);
            assertThat(b.port(20)).as("round %d", round).extracting(XenDomain.PortInfo::state, XenDomain.PortInfo::remotePort)
                    .containsExactly(2, 10);
            made.forEach(LinuxGuest::close);
            guests.removeAll(made);
        }
    }

    @Test
    void sendsFromManyThreadsLoseNoEvent() throws Exception {
        LinuxGuest a = guest(1, 4);
        LinuxGuest b = guest(2, 1);
        long sa = a.mapSharedInfo();
        long va = a.registerVcpuInfos();
        int[] aPorts = new int[4];
        int[] bPorts = new int[4];
        for (int i = 0; i < 4; i++) {
            aPorts[i] = (int) a.allocUnbound(2);
            bPorts[i] = (int) b.bindInterdomain(1, aPorts[i]);
            assertThat(a.evtchn(8, aPorts[i], i)).isZero();
        }
        for (int v = 0; v < 4; v++) {
            a.takeSelector(va + 64L * v);
        }
        a.ram.at(sa + 48, 512).fill((byte) 0);
        // b's four senders race with a's "handler" that clears pending bits; every send must end up seen
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        int rounds = 2000;
        for (int i = 0; i < 4; i++) {
            int port = bPorts[i];
            int local = aPorts[i];
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int r = 0; r < rounds; r++) {
                    // wait until a has consumed the previous one, then send again
                    while (a.pendingBit(sa, local)) {
                        Thread.onSpinWait();
                    }
                    assertThat(b.domain.hypercall(new org.domus.engine.xen.Hypercall(0, 32, 4, sendArg(b, port), 0, 0, 0, b.tables.regs()))).isZero();
                }
            }));
        }
        Thread consumer = Thread.ofPlatform().start(() -> {
            while (seen.get() < 4 * rounds) {
                for (int i = 0; i < 4; i++) {
                    long at = sa + 48 + (aPorts[i] / 64) * 8L;
                    long bit = 1L << (aPorts[i] % 64);
                    if ((a.ram.readLong(at) & bit) != 0) {
                        // clear atomically, as the guest's handler does with a locked instruction
                        java.lang.invoke.VarHandle h = java.lang.foreign.ValueLayout.JAVA_LONG.varHandle();
                        h.getAndBitwiseAnd(a.ram.at(at, 8), 0L, ~bit);
                        seen.incrementAndGet();
                    }
                }
            }
        });
        go.countDown();
        for (Thread t : threads) {
            t.join(20_000);
        }
        consumer.join(20_000);
        assertThat(seen.get()).isEqualTo(4 * rounds);
        assertThat(a.domain.internalErrors()).isZero();
    }

    private final java.util.Map<Integer, Long> sendArgs = new java.util.HashMap<>();

    private synchronized long sendArg(LinuxGuest g, int port) {
        return sendArgs.computeIfAbsent(port, p -> {
            long va = g.kalloc(4);
            g.put4(va, p);
            return va;
        });
    }
}
