package org.domus.fdt.internal.blob;

import java.util.Arrays;

/** A growable big-endian byte buffer. */
final class BlobWriter {
    private byte[] buf = new byte[256];
    private int size;

    int size() {
        return size;
    }

    BlobWriter u32(long v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    BlobWriter u64(long v) {
        return u32(v >>> 32).u32(v);
    }

    BlobWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    BlobWriter bytes(BlobWriter other) {
        ensure(other.size);
        System.arraycopy(other.buf, 0, buf, size, other.size);
        size += other.size;
        return this;
    }

    BlobWriter zeroes(int n) {
        ensure(n);
        size += n; // the array is zero beyond size: nothing ever shrinks
        return this;
    }

    /** Zero padding up to the next multiple of {@code alignment}. */
    BlobWriter align(int alignment) {
        return zeroes((alignment - size % alignment) % alignment);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (more > buf.length - size) {
            long wanted = Math.max((long) buf.length * 2, (long) size + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                wanted = (long) size + more;
                if (wanted > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("device tree too large for a blob: over 2 GiB");
                }
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
