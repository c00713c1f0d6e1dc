package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Field access on a hypercall structure copied into host memory (little-endian, as Arm64 Xen lays it out). */
final class Struct {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Struct() {
    }

    static int u16(MemorySegment s, long off) {
        return Short.toUnsignedInt(s.get(SHORT, off));
    }

    static void u16(MemorySegment s, long off, int v) {
        s.set(SHORT, off, (short) v);
    }

    static int u32(MemorySegment s, long off) {
        return s.get(Atomics.INT, off);
    }

    static void u32(MemorySegment s, long off, int v) {
        s.set(Atomics.INT, off, v);
    }

    static long u64(MemorySegment s, long off) {
        return s.get(Atomics.LONG, off);
    }

    static void u64(MemorySegment s, long off, long v) {
        s.set(Atomics.LONG, off, v);
    }

    /** A fixed-size, NUL-padded C character array. */
    static MemorySegment chars(String text, int size) {
        MemorySegment s = MemorySegment.ofArray(new byte[size]);
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, Math.min(b.length, size - 1));
        return s;
    }
}
