package org.domus.xen;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.domus.xen.internal.Atomics;
import org.domus.xen.internal.EventChannels;
import org.domus.xen.internal.Trace;

/**
 * A domain's xenstore ring ({@code xenstore_domain_interface} at STORE_PFN) as a byte transport for xenstored:
 * request bytes the guest writes go to {@link Client#received}, replies and watch events given to {@link #send}
 * go into the response ring as the guest makes room. It mirrors xenstored's own {@code Transport} (send without
 * blocking, pending output for the quota, close), so the hypervisor adapts one to the other in a few lines and
 * this module needs no xenstore dependency. One virtual thread per ring moves the bytes; the guest's
 * notifications and {@link #send} wake it.
 *
 * <p>Connecting does what xenstored does on XS_INTRODUCE: it binds the store event channel, flips
 * {@code connection} from RECONNECT to CONNECTED and notifies the guest. Linux 6.1 loses that notification if it
 * comes before its xenbus probe thread runs, so the ring notifies again, less and less often, until the guest
 * first writes a request.
 */
public final class StoreRing {
    /** What the ring talks to: xenstored's session for domain N. */
    public interface Client {
        /** Request bytes in any pieces, on the ring's thread. */
        void received(ByteBuffer bytes);

        /** The guest broke the ring protocol or the guest is gone: the session ends. */
        void disconnected();
    }

    static final int SIZE = 1024;
    static final int REQ = 0;
    static final int RSP = 1024;
    static final int REQ_CONS = 2048;
    static final int REQ_PROD = 2052;
    static final int RSP_CONS = 2056;
    static final int RSP_PROD = 2060;
    static final int CONNECTION = 2068;
    static final int CONNECTED = 0;
    static final int RECONNECT = 1;
    static final long FIRST_RENOTIFY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long MAX_RENOTIFY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final MemorySegment page;
    private final EventChannels events;
    private final int port;
    private final Client client;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ArrayDeque<ByteBuffer> output = new ArrayDeque<>();
    private final Runnable endpoint = this::guestNotified;
    private long pending;
    private boolean signalled;
    private boolean closed;
    private volatile boolean talked;

    private StoreRing(MemorySegment page, EventChannels events, int port, Client client) {
        this.page = page;
        this.events = events;
        this.port = port;
        this.client = client;
    }

    /** Prepares a fresh store page as Xen and init-dom0less leave it: zeroed, waiting for the store (RECONNECT). */
    static void prepare(MemorySegment page) {
        page.fill((byte) 0);
        page.set(Atomics.INT, CONNECTION, RECONNECT);
    }

    static StoreRing connect(MemorySegment page, EventChannels events, int port, Client client) {
        StoreRing ring = new StoreRing(page, events, port, client);
        Atomics.setIndex(page, CONNECTION, CONNECTED);
        events.bindHost(port, ring.endpoint);
        Thread.ofVirtual().name("xenstore-ring-d" + events.domid()).start(ring::pump);
        return ring;
    }

    /** Queues one message for the guest without blocking (called under xenstored's lock). */
    public void send(ByteBuffer message) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            ByteBuffer copy = ByteBuffer.allocate(message.remaining()).put(message).flip();
            output.add(copy);
            pending += copy.remaining();
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes sent that the guest has not taken into its ring yet. */
    public long pendingOutputBytes() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    /** The store drops the connection: the event channel is unbound for domain 0 again. Idempotent. */
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            output.clear();
            pending = 0;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        events.unbindHost(port, endpoint);
    }

    /** The guest is gone or broke its ring: closes and tells the client. */
    void detach() {
        boolean wasOpen;
        lock.lock();
        try {
            wasOpen = !closed;
        } finally {
            lock.unlock();
        }
        close();
        if (wasOpen) {
            client.disconnected();
        }
    }

    /** Whether the guest has written a request on the ring: its xenbus is up. */
    public boolean guestTalked() {
        return talked;
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void guestNotified() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pump() {
        long renotify = FIRST_RENOTIFY_NANOS;
        while (true) {
            boolean timedOut = false;
            lock.lock();
            try {
                long left = renotify;
                while (!closed && !signalled && left > 0) {
                    left = wake.awaitNanos(left);
                }
                if (closed) {
                    return;
                }
                timedOut = !signalled;
                signalled = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (timedOut && !talked) {
                events.notifyFromHost(port, endpoint);
                renotify = Math.min(renotify * 2, MAX_RENOTIFY_NANOS);
            } else if (talked) {
                renotify = MAX_RENOTIFY_NANOS;
            }
            boolean ok;
            try {
                ok = readRequests() && writeResponses();
            } catch (IllegalStateException gone) {
                ok = false; // the guest's RAM was unmapped under us: it has ended
            }
            if (!ok) {
                detach();
                return;
            }
        }
    }

    /** Hands over what the guest wrote; false if its indices are impossible. */
    private boolean readRequests() {
        while (true) {
            int cons = page.get(Atomics.INT, REQ_CONS);
            int prod = Atomics.getIndex(page, REQ_PROD);
            int avail = prod - cons;
            if (Integer.compareUnsigned(avail, SIZE) > 0) {
                return false;
            }
            if (avail == 0) {
                return true;
            }
            byte[] bytes = new byte[avail];
            for (int i = 0; i < avail; i++) {
                bytes[i] = page.get(ValueLayout.JAVA_BYTE, REQ + ((cons + i) & (SIZE - 1)));
            }
            Atomics.setIndex(page, REQ_CONS, cons + avail);
            if (Trace.ON) {
                Trace.line("d" + events.domid() + " store ring request " + Trace.printable(bytes, bytes.length));
            }
            talked = true;
            // The guest may be waiting for room to write the rest of a long request.
            events.notifyFromHost(port, endpoint);
            client.received(ByteBuffer.wrap(bytes));
        }
    }

    /** Moves queued output into the response ring as far as it has room; false if its indices are impossible. */
    private boolean writeResponses() {
        boolean wrote = false;
        lock.lock();
        try {
            while (!output.isEmpty()) {
                int prod = page.get(Atomics.INT, RSP_PROD);
                int cons = Atomics.getIndex(page, RSP_CONS);
                int used = prod - cons;
                if (Integer.compareUnsigned(used, SIZE) > 0) {
                    return false;
                }
                int room = SIZE - used;
                if (room == 0) {
                    break;
                }
                ByteBuffer b = output.peek();
                int n = Math.min(room, b.remaining());
                if (Trace.ON) {
                    byte[] t = new byte[n];
                    b.duplicate().get(t);
                    Trace.line("d" + events.domid() + " store ring response " + Trace.printable(t, n));
                }
                for (int i = 0; i < n; i++) {
                    page.set(ValueLayout.JAVA_BYTE, RSP + ((prod + i) & (SIZE - 1)), b.get());
                }
                Atomics.setIndex(page, RSP_PROD, prod + n);
                pending -= n;
                wrote = true;
                if (!b.hasRemaining()) {
                    output.poll();
                }
            }
        } finally {
            lock.unlock();
        }
        if (wrote) {
            events.notifyFromHost(port, endpoint);
        }
        return true;
    }
}
