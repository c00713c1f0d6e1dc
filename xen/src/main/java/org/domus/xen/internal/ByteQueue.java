package org.domus.xen.internal;

/** A bounded FIFO of bytes: what does not fit is refused, so a peer that never reads costs a fixed amount. */
public final class ByteQueue {
    private final byte[] buf;
    private int head;
    private int size;

    public ByteQueue(int capacity) {
        buf = new byte[capacity];
    }

    public int size() {
        return size;
    }

    public void clear() {
        head = 0;
        size = 0;
    }

    /** Appends as much of {@code b[off, off + len)} as fits; returns how much. */
    public int put(byte[] b, int off, int len) {
        int n = Math.min(len, buf.length - size);
        for (int i = 0; i < n; i++) {
            buf[(head + size + i) % buf.length] = b[off + i];
        }
        size += n;
        return n;
    }

    /** Moves up to {@code len} bytes into {@code b}; returns how many. */
    public int take(byte[] b, int off, int len) {
        int n = Math.min(len, size);
        for (int i = 0; i < n; i++) {
            b[off + i] = buf[(head + i) % buf.length];
        }
        head = (head + n) % buf.length;
        size -= n;
        return n;
    }
}
