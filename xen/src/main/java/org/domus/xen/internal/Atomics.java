package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The atomic bit operations Xen performs on pages it shares with a guest, as read-modify-writes on aligned
 * little-endian words: the guest (on other host threads) clears pending bits and sets mask bits concurrently,
 * so a plain read-then-write here could lose its update or ours.
 */
public final class Atomics {
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_H = LONG.varHandle();
    private static final VarHandle INT_H = INT.varHandle();

    private Atomics() {
    }

    /** Sets bit {@code bit} (0–63) of the word at {@code offset}; true if it was already set. */
    public static boolean testAndSet(MemorySegment s, long offset, int bit) {
        long m = 1L << bit;
        return ((long) LONG_H.getAndBitwiseOr(s, offset, m) & m) != 0;
    }

    /** Clears bit {@code bit} of the word at {@code offset}; true if it was set. */
    public static boolean testAndClear(MemorySegment s, long offset, int bit) {
        long m = 1L << bit;
        return ((long) LONG_H.getAndBitwiseAnd(s, offset, ~m) & m) != 0;
    }

    public static boolean test(MemorySegment s, long offset, int bit) {
        return ((long) LONG_H.getVolatile(s, offset) & (1L << bit)) != 0;
    }

    public static long getLong(MemorySegment s, long offset) {
        return (long) LONG_H.getVolatile(s, offset);
    }

    public static void setLong(MemorySegment s, long offset, long value) {
        LONG_H.setVolatile(s, offset, value);
    }

    /** A ring index written by the other side: the data it covers is read only after it (acquire). */
    public static int getIndex(MemorySegment s, long offset) {
        return (int) INT_H.getAcquire(s, offset);
    }

    /** Publishes a ring index after the data it covers (release). */
    public static void setIndex(MemorySegment s, long offset, int value) {
        INT_H.setRelease(s, offset, value);
    }
}
