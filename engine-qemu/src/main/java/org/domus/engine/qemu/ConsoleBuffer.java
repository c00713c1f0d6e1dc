package org.domus.engine.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Console bytes between the socket reader and one consumer, in a ring. The writer never waits: bytes that do not
 * fit are dropped and counted, so a guest flooding its console while nobody reads costs a bounded amount of memory
 * and never slows QEMU or another domain down. The ring starts small and grows up to its capacity only when the
 * consumer falls behind: a domain whose console is read as it prints costs 16 KiB, not the whole capacity.
 */
final class ConsoleBuffer {
    private static final int INITIAL = 16 * 1024;
    private final int capacity;
    private byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private int head;  // next byte to read
    private int count; // bytes held
    private long dropped;
    private boolean ended;

    ConsoleBuffer(int capacity) {
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity, INITIAL)];
    }

    /** Keeps what fits of {@code b[off, off+len)} and drops the rest. */
    void write(byte[] b, int off, int len) {
        lock.lock();
        try {
            if (len > ring.length - count && ring.length < capacity) {
                grow(count + len);
            }
            int n = Math.min(len, ring.length - count);
            int tail = (head + count) % ring.length;
            int first = Math.min(n, ring.length - tail);
            System.arraycopy(b, off, ring, tail, first);
            System.arraycopy(b, off + first, ring, 0, n - first);
            count += n;
            dropped += len - n;
            if (n > 0) {
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A bigger ring, at least {@code needed} bytes (capacity at most), holding the same bytes from index 0. */
    private void grow(long needed) {
        int size = ring.length;
        while (size < needed && size < capacity) {
            size = (int) Math.min(capacity, 2L * size);
        }
        byte[] bigger = new byte[size];
        int first = Math.min(count, ring.length - head);
        System.arraycopy(ring, head, bigger, 0, first);
        System.arraycopy(ring, 0, bigger, first, count - first);
        ring = bigger;
        head = 0;
    }

    /** No more bytes will come; readers see the end once they have read what is held. */
    void end() {
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until some bytes are held or the end; -1 at the end. */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (count == 0 && !ended) {
                readable.await();
            }
            if (count == 0) {
                return -1;
            }
            int n = Math.min(len, count);
            int first = Math.min(n, ring.length - head);
            System.arraycopy(ring, head, b, off, first);
            System.arraycopy(ring, 0, b, off + first, n - first);
            head = (head + n) % ring.length;
            count -= n;
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading the console");
        } finally {
            lock.unlock();
        }
    }

    int available() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return ConsoleBuffer.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                return ConsoleBuffer.this.read(b, off, len);
            }

            @Override
            public int available() {
                return ConsoleBuffer.this.available();
            }
        };
    }
}
