package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Two domains binding, sending, unmasking and closing the same few ports from several threads at once (vCPUs of
 * both guests): no deadlock, no host exception, and at the end every interdomain port's peer points back to it.
 */
class ChannelRacesTest {
    static final long MiB = 1 << 20;
    static final int PORTS = 24;

    @Test
    void concurrentBindsSendsAndClosesKeepBothTablesConsistent() throws Exception {
        XenSystem xen = new XenSystem();
        XenDomain da = xen.create(new XenDomainConfig(1, 2, TestRam.BASE, 16 * MiB, false), r -> { });
        XenDomain db = xen.create(new XenDomainConfig(2, 2, TestRam.BASE, 16 * MiB, false), r -> { });
        da.finishBuild();
        db.finishBuild();
        try (LinuxGuest a = new LinuxGuest(da); LinuxGuest b = new LinuxGuest(db)) {
            a.mapSharedInfo();
            b.mapSharedInfo();
            long[][] args = new long[4][];
            LinuxGuest[] who = {a, a, b, b};
            for (int t = 0; t < 4; t++) {
                args[t] = new long[] {who[t].kalloc(16), who[t].kalloc(16)};
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                LinuxGuest g = who[t];
                int other = g == a ? 2 : 1;
                threads.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(thread);
                    long arg = args[thread][0];
                    for (int i = 0; i < 20_000; i++) {
                        int port = 1 + r.nextInt(PORTS);
                        int cmd;
                        switch (r.nextInt(6)) {
                            case 0 -> {
                                cmd = 6;
                                put(g, arg, 0x7FF0 | (other << 16), 0);
                            }
                            case 1 -> {
                                cmd = 0;
                                put(g, arg, other, port);
                            }
                            case 2 -> {
                                cmd = 3;
                                put(g, arg, port, 0);
                            }
                            case 3 -> {
                                cmd = 8;
                                put(g, arg, port, r.nextInt(2));
                            }
                            case 4 -> {
                                cmd = 9;
                                put(g, arg, port, 0);
                            }
                            default -> {
                                cmd = 4;
                                put(g, arg, port, 0);
                            }
                        }
                        long rc = g.domain.hypercall(new org.domus.engine.xen.Hypercall(thread % 2, 32, cmd, arg, 0, 0, 0, g.tables.regs()));
                        assertThat(rc).isLessThanOrEqualTo(0);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(60_000);
                assertThat(t.isAlive()).as("deadlocked").isFalse();
            }
            assertThat(da.internalErrors() + db.internalErrors()).isZero();
            for (XenDomain d : List.of(da, db)) {
                for (int p = 1; p <= PORTS; p++) {
                    XenDomain.PortInfo info = d.port(p);
                    if (info.state() == 2 && info.remoteDomid() != 0) {
                        XenDomain peer = info.remoteDomid() == 1 ? da : db;
                        XenDomain.PortInfo back = peer.port(info.remotePort());
                        assertThat(back.state()).isEqualTo(2);
                        assertThat(back.remoteDomid()).isEqualTo(d.domid());
                        assertThat(back.remotePort()).isEqualTo(p);
                    }
                }
            }
        }
    }

    /** Two 32-bit words at {@code va} (guest memory written directly: each thread owns its buffer). */
    private static void put(LinuxGuest g, long va, int w0, int w1) {
        g.put4(va, w0);
        g.put4(va + 4, w1);
    }
}
