package org.domus.xen;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.domus.xen.internal.Atomics;
import org.domus.xen.internal.ByteQueue;
import org.domus.xen.internal.EventChannels;

/**
 * A domain's PV console ({@code hvc0}): the {@code xencons_interface} page at CONSOLE_PFN, read and written as
 * xenconsoled does, with the console event channel. The guest's output is a byte stream ({@link #output()}:
 * blocks until the guest writes, ends when the domain is destroyed), its input a sink ({@link #input}: what the
 * ring cannot take yet waits in a small buffer, the rest is refused, as on a serial line without flow control).
 * It lasts as long as the domain: a rebooted guest's output continues on the same stream.
 */
public final class ConsoleRing {
    static final int IN = 0;
    static final int IN_SIZE = 1024;
    static final int OUT = 1024;
    static final int OUT_SIZE = 2048;
    static final int IN_CONS = 3072;
    static final int IN_PROD = 3076;
    static final int OUT_CONS = 3080;
    static final int OUT_PROD = 3084;
    static final int INPUT_BUFFER = 4096;
    static final int XEN_OUTPUT_BUFFER = 64 * 1024;

    private final EventChannels events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ByteQueue pendingInput = new ByteQueue(INPUT_BUFFER);
    private final ByteQueue xenOutput = new ByteQueue(XEN_OUTPUT_BUFFER);
    private final Runnable endpoint = this::guestNotified;
    private final InputStream output = new Output();
    private MemorySegment page;
    private int port;
    private boolean closed;

    ConsoleRing(EventChannels events) {
        this.events = events;
    }

    /** The guest's output, in order; -1 once the domain is gone. One reader at a time. */
    public InputStream output() {
        return output;
    }

    /** Offers keyboard input; returns how many bytes were taken (the rest is dropped by the caller). */
    public int input(byte[] b, int off, int len) {
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            int n = pendingInput.put(b, off, len);
            flushInput();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The event channel port the guest notifies on (HVM_PARAM_CONSOLE_EVTCHN). */
    public int port() {
        return port;
    }

    Runnable endpoint() {
        return endpoint;
    }

    void port(int p) {
        this.port = p;
    }

    /** A new guest: its page (zeroed by the caller, which is XENCONSOLE_CONNECTED) replaces the last one's. */
    void rebind(MemorySegment newPage) {
        lock.lock();
        try {
            page = newPage;
            pendingInput.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the guest wrote with console_io: they join the same output. */
    void xenWrite(byte[] bytes) {
        lock.lock();
        try {
            xenOutput.put(bytes, 0, bytes.length);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void guestNotified() {
        lock.lock();
        try {
            flushInput();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void notifyGuest() {
        events.notifyFromHost(port, endpoint);
    }

    /** Moves buffered input into the ring's {@code in} half as far as the guest has made room. */
    private void flushInput() {
        try {
            flushInputToPage();
        } catch (IllegalStateException gone) {
            page = null; // the guest's RAM was unmapped: it ended, and the next guest brings its own page
        }
    }

    private void flushInputToPage() {
        if (page == null || pendingInput.size() == 0) {
            return;
        }
        int cons = Atomics.getIndex(page, IN_CONS);
        int prod = page.get(Atomics.INT, IN_PROD);
        int used = prod - cons;
        // A guest that moved in_cons past what we produced broke its ring: nothing more goes in.
        if (Integer.compareUnsigned(used, IN_SIZE) > 0) {
            return;
        }
        byte[] chunk = new byte[IN_SIZE - used];
        int n = pendingInput.take(chunk, 0, chunk.length);
        for (int i = 0; i < n; i++) {
            page.set(ValueLayout.JAVA_BYTE, IN + ((prod + i) & (IN_SIZE - 1)), chunk[i]);
        }
        if (n > 0) {
            Atomics.setIndex(page, IN_PROD, prod + n);
            notifyGuest();
        }
    }

    /** Takes what the guest wrote to the {@code out} half; a producer index too far ahead loses the oldest bytes, as xenconsoled does. */
    private int drainOutput(byte[] b, int off, int len) {
        try {
            return drainOutputFromPage(b, off, len);
        } catch (IllegalStateException gone) {
            page = null; // the guest's RAM was unmapped: it ended, and the next guest brings its own page
            return 0;
        }
    }

    private int drainOutputFromPage(byte[] b, int off, int len) {
        if (page == null) {
            return 0;
        }
        int cons = page.get(Atomics.INT, OUT_CONS);
        int prod = Atomics.getIndex(page, OUT_PROD);
        int avail = prod - cons;
        if (Integer.compareUnsigned(avail, OUT_SIZE) > 0) {
            cons = prod - OUT_SIZE;
            avail = OUT_SIZE;
        }
        int n = Math.min(avail, len);
        for (int i = 0; i < n; i++) {
            b[off + i] = page.get(ValueLayout.JAVA_BYTE, OUT + ((cons + i) & (OUT_SIZE - 1)));
        }
        if (n > 0) {
            Atomics.setIndex(page, OUT_CONS, cons + n);
        }
        return n;
    }

    private int outputAvailable() {
        if (page == null) {
            return 0;
        }
        try {
            int avail = Atomics.getIndex(page, OUT_PROD) - page.get(Atomics.INT, OUT_CONS);
            return Integer.compareUnsigned(avail, OUT_SIZE) > 0 ? OUT_SIZE : avail;
        } catch (IllegalStateException gone) {
            page = null;
            return 0;
        }
    }

    private final class Output extends InputStream {
        @Override
        public int read() throws java.io.InterruptedIOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.InterruptedIOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (true) {
                    int n = xenOutput.take(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    int before = outputAvailable();
                    n = drainOutput(b, off, len);
                    if (n > 0) {
                        // A guest with a ring at least half full may be waiting for room; below that, hvc0 keeps
                        // writing without waiting, and a notification per chunk would double its event traffic.
                        if (before >= OUT_SIZE / 2) {
                            notifyGuest();
                        }
                        return n;
                    }
                    if (closed) {
                        return -1;
                    }
                    try {
                        // Woken by the guest's notification; the timeout only guards against a guest that never sends one.
                        changed.await(1, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("console output read interrupted");
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
