package org.domus.hypervisor;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.domus.xen.StoreRing;
import org.domus.xen.XenDomain;
import org.domus.xenstore.Session;
import org.domus.xenstore.Transport;
import org.domus.xenstore.XenstoreServer;

/**
 * A Xen guest's store ring as a connection of the system's xenstored, with domain N's rights (held to the
 * permissions of its nodes, as C xenstored holds a domain's ring), not dom0's: what XS_INTRODUCE sets up in Xen.
 * It lasts until the guest is replaced or released, or breaks its ring.
 */
final class StoreLink {
    private StoreLink() {
    }

    /**
     * Connects the ring of {@code xen}'s current guest to {@code server}; false when it already is connected (a
     * second init-dom0less) or cannot be yet (no guest runs).
     */
    static boolean connect(XenstoreServer server, int domid, XenDomain xen) {
        AtomicReference<StoreRing> ring = new AtomicReference<>();
        // the ring's thread may hand over the guest's first request before connectStore has returned the ring
        // that the answer goes out on: requests wait for it
        CountDownLatch linked = new CountDownLatch(1);
        Session session = server.attach(new Transport() {
            @Override
            public int domid() {
                return domid;
            }

            @Override
            public void send(ByteBuffer message) {
                StoreRing r = ring.get();
                if (r != null) {
                    r.send(message);
                }
            }

            @Override
            public long pendingOutputBytes() {
                StoreRing r = ring.get();
                return r == null ? 0 : r.pendingOutputBytes();
            }

            @Override
            public void close() {
                StoreRing r = ring.get();
                if (r != null) {
                    r.close();
                }
            }
        });
        try {
            ring.set(xen.connectStore(new StoreRing.Client() {
                @Override
                public void received(ByteBuffer bytes) {
                    try {
                        linked.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (!session.receive(bytes)) {
                        ring.get().close();
                    }
                }

                @Override
                public void disconnected() {
                    session.disconnected();
                }
            }));
        } catch (IllegalStateException e) {
            session.disconnected();
            return false;
        } finally {
            linked.countDown();
        }
        return true;
    }
}
