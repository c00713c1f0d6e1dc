package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A property value under construction: bytes plus the markers that point into them (dtc's {@code struct data}). */
public final class Data {
    private byte[] bytes;
    private int length;
    public final List<Marker> markers = new ArrayList<>();

    public Data() {
        bytes = new byte[16];
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** Direct view of the backing array; only the first {@link #length()} bytes are valid. */
    public byte[] array() {
        return bytes;
    }

    public Data append(byte[] b, int off, int len) {
        ensure(length + len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
        return this;
    }

    public Data append(byte[] b) {
        return append(b, 0, b.length);
    }

    public Data appendByte(int b) {
        ensure(length + 1);
        bytes[length++] = (byte) b;
        return this;
    }

    /** Appends {@code bits}/8 bytes of {@code value}, big-endian. */
    public Data appendInteger(long value, int bits) {
        for (int shift = bits - 8; shift >= 0; shift -= 8) {
            appendByte((int) (value >>> shift));
        }
        return this;
    }

    /** Overwrites 4 bytes at {@code offset}, big-endian. */
    public void setCell(int offset, int value) {
        bytes[offset] = (byte) (value >>> 24);
        bytes[offset + 1] = (byte) (value >>> 16);
        bytes[offset + 2] = (byte) (value >>> 8);
        bytes[offset + 3] = (byte) value;
    }

    /** Inserts bytes at {@code offset}, shifting later bytes and markers after it. */
    public void insert(int offset, byte[] b) {
        ensure(length + b.length);
        System.arraycopy(bytes, offset, bytes, offset + b.length, length - offset);
        System.arraycopy(b, 0, bytes, offset, b.length);
        length += b.length;
        for (int i = 0; i < markers.size(); i++) {
            Marker m = markers.get(i);
            if (m.offset() > offset) {
                markers.set(i, new Marker(m.offset() + b.length, m.kind(), m.ref()));
            }
        }
    }

    /** Appends another value, moving its markers by the current length. */
    public Data append(Data other) {
        int base = length;
        append(other.bytes, 0, other.length);
        for (Marker m : other.markers) {
            markers.add(new Marker(m.offset() + base, m.kind(), m.ref()));
        }
        return this;
    }

    public Data mark(Marker.Kind kind, String ref) {
        markers.add(new Marker(length, kind, ref));
        return this;
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }
}
