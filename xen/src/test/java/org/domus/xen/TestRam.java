package org.domus.xen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.domus.engine.xen.GuestRam;

/**
 * Guest RAM for the tests: real native memory, as the engine's shared RAM file is, at QEMU virt's RAM base.
 * Discarded ranges read as zero after, as a punched hole does, and are recorded.
 */
final class TestRam implements GuestRam, AutoCloseable {
    static final long BASE = 0x4000_0000L;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    final List<long[]> discarded = new ArrayList<>();
    /** Next free page for page tables and kernel buffers, from 1 MiB into RAM. */
    private long nextPage = BASE + (1 << 20);

    TestRam(long bytes) {
        memory = arena.allocate(bytes, 4096);
    }

    @Override
    public MemorySegment memory() {
        return memory;
    }

    @Override
    public long base() {
        return BASE;
    }

    @Override
    public synchronized void discard(long gpa, long length) {
        memory.asSlice(gpa - BASE, length).fill((byte) 0);
        discarded.add(new long[] {gpa, length});
    }

    long size() {
        return memory.byteSize();
    }

    /** A zeroed page of RAM no one uses yet. */
    synchronized long allocPage() {
        long pa = nextPage;
        nextPage += 4096;
        at(pa, 4096).fill((byte) 0);
        return pa;
    }

    MemorySegment at(long gpa, long length) {
        return memory.asSlice(gpa - BASE, length);
    }

    long readLong(long gpa) {
        return at(gpa, 8).get(LONG, 0);
    }

    void writeLong(long gpa, long v) {
        at(gpa, 8).set(LONG, 0, v);
    }

    int readInt(long gpa) {
        return at(gpa, 4).get(INT, 0);
    }

    void writeInt(long gpa, int v) {
        at(gpa, 4).set(INT, 0, v);
    }

    @Override
    public void close() {
        arena.close();
    }
}
