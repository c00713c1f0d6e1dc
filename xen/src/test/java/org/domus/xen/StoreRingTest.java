package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The xenstore ring as xenstored's transport: both directions, wrap-around, hostile indices, re-notification. */
class StoreRingTest {
    static final long MiB = 1 << 20;
    private XenDomain d;
    private LinuxGuest g;
    private long shared;
    private long store;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CountDownLatch gone = new CountDownLatch(1);

    private final StoreRing.Client client = new StoreRing.Client() {
        @Override
        public void received(ByteBuffer bytes) {
            synchronized (received) {
                while (bytes.hasRemaining()) {
                    received.write(bytes.get());
                }
            }
        }

        @Override
        public void disconnected() {
            gone.countDown();
        }
    };

    @BeforeEach
    void guest() {
        d = new XenSystem().create(new XenDomainConfig(1, 1, TestRam.BASE, 16 * MiB, true), r -> { });
        d.finishBuild();
        g = new LinuxGuest(d);
        shared = g.mapSharedInfo();
        d.provideStorePage();
        store = d.layout().storePfn() << 12;
    }

    @AfterEach
    void close() {
        g.close();
    }

    private void clearPending() {
        g.ram.at(shared + 48, 512).fill((byte) 0);
    }

    @Test
    void beforeTheStoreConnectsThePageWaitsInReconnect() {
        assertThat(g.ram.readInt(store + 2068)).isEqualTo(1);
        assertThatThrownBy(() -> new XenSystem().create(new XenDomainConfig(2, 1, TestRam.BASE, 16 * MiB, true), r -> { })
                .connectStore(client)).isInstanceOf(IllegalStateException.class).hasMessageContaining("init-dom0less first");
    }

    @Test
    void repliesLongerThanTheRingWrapAndWaitForRoom() throws Exception {
        StoreRing ring = d.connectStore(client);
        assertThatThrownBy(() -> d.connectStore(client)).isInstanceOf(IllegalStateException.class);
        byte[] reply = new byte[3000];
        for (int i = 0; i < reply.length; i++) {
            reply[i] = (byte) i;
        }
        ring.send(ByteBuffer.wrap(reply));
        LinuxBootSequenceTest.waitFor(() -> g.ram.readInt(store + 2060) == 1024);
        assertThat(ring.pendingOutputBytes()).isEqualTo(3000 - 1024);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int cons = 0;
        while (cons < 3000) {
            int prod = g.ram.readInt(store + 2060);
            for (; cons != prod; cons++) {
                got.write(g.ram.at(store + 1024 + (cons & 1023), 1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            }
            g.ram.writeInt(store + 2056, cons);
            assertThat(g.send(d.storePort())).isZero();
            int seen = cons;
            if (cons < 3000) {
                LinuxBootSequenceTest.waitFor(() -> g.ram.readInt(store + 2060) != seen);
            }
        }
        assertThat(got.toByteArray()).isEqualTo(reply);
        assertThat(ring.pendingOutputBytes()).isZero();
        ring.close();
        assertThat(d.port(d.storePort()).state()).as("unbound for domain 0 again").isEqualTo(1);
    }

    @Test
    void aGuestThatBreaksItsIndicesIsDisconnected() throws Exception {
        d.connectStore(client);
        g.ram.writeInt(store + 2052, 5000);
        assertThat(g.send(d.storePort())).isZero();
        assertThat(gone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(d.internalErrors()).isZero();
        // the store may connect again once the guest behaves
        g.ram.writeInt(store + 2052, 0);
        assertThat(d.connectStore(client).isClosed()).isFalse();
    }

    @Test
    void theStoreNotifiesAgainUntilTheGuestTalks() throws Exception {
        long vcpuInfo = g.registerVcpuInfos();
        d.connectStore(client);
        int port = d.storePort();
        // Linux 6.1 misses the first notification; the ring repeats it while the guest stays silent
        AtomicInteger repeats = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (repeats.get() < 2 && System.nanoTime() < deadline) {
            if (g.pendingBit(shared, port)) {
                repeats.incrementAndGet();
                clearPending();
                g.takeSelector(vcpuInfo);
            }
            Thread.sleep(5);
        }
        assertThat(repeats.get()).isEqualTo(2);
        byte[] req = LinuxBootSequenceTest.message(2, "control/shutdown\0");
        LinuxBootSequenceTest.writeRing(g, store, 0, 2052, req);
        assertThat(g.send(port)).isZero();
        LinuxBootSequenceTest.waitFor(() -> {
            synchronized (received) {
                return received.size() == req.length;
            }
        });
        // after the guest spoke: notifications only for real traffic (the one for the consumed request); the sleeps are
        // on purpose: a repeat would come within them, and none may
        Thread.sleep(300);
        clearPending();
        Thread.sleep(700);
        assertThat(g.pendingBit(shared, port)).isFalse();
    }

    @Test
    void aRebootedGuestDisconnectsTheStoreAndGetsItsPageAtOnce() throws Exception {
        d.connectStore(client);
        LinuxGuest again = new LinuxGuest(d);
        try {
            assertThat(gone.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(again.getParam(1)).isEqualTo(d.layout().storePfn());
            assertThat(again.ram.readInt(store + 2068)).as("RECONNECT until the store introduces it again").isEqualTo(1);
            assertThat(d.port(d.storePort()).state()).isEqualTo(1);
        } finally {
            again.close();
        }
    }
}
