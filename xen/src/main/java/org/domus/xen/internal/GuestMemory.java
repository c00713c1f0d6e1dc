package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

import org.domus.engine.xen.GuestRam;

/**
 * A guest's RAM by guest-physical address. Every range is checked against the RAM before a slice is made, so
 * an address the guest made up fails with {@code -EFAULT} and can never reach past its RAM.
 */
public final class GuestMemory {
    public static final int PAGE = 4096;

    private final GuestRam ram;
    private final MemorySegment memory;
    private final long base;
    private final long size;

    public GuestMemory(GuestRam ram) {
        this.ram = ram;
        this.memory = ram.memory();
        this.base = ram.base();
        this.size = memory.byteSize();
    }

    public long base() {
        return base;
    }

    public long size() {
        return size;
    }

    /** True if {@code [gpa, gpa + length)} lies inside RAM (overflow-safe). */
    public boolean contains(long gpa, long length) {
        long off = gpa - base;
        return length >= 0 && Long.compareUnsigned(gpa, base) >= 0 && Long.compareUnsigned(off, size) <= 0
                && length <= size - off;
    }

    /** The bytes at {@code [gpa, gpa + length)}, or {@code -EFAULT}. */
    public MemorySegment slice(long gpa, long length) {
        if (!contains(gpa, length)) {
            throw XenError.fault();
        }
        return memory.asSlice(gpa - base, length);
    }

    /** The page of guest frame {@code gfn}, or {@code -EFAULT}. */
    public MemorySegment page(long gfn) {
        if (gfn < 0 || gfn > (Long.MAX_VALUE >>> 12)) {
            throw XenError.fault();
        }
        return slice(gfn << 12, PAGE);
    }

    public boolean hasFrame(long gfn) {
        return gfn >= 0 && gfn <= (Long.MAX_VALUE >>> 12) && contains(gfn << 12, PAGE);
    }

    /** An aligned 8-byte word (a page-table descriptor). */
    public long readLong(long gpa) {
        if ((gpa & 7) != 0) {
            throw XenError.fault();
        }
        return Atomics.getLong(slice(gpa, 8), 0);
    }

    public void discard(long gpa, long length) {
        if (!contains(gpa, length)) {
            throw XenError.fault();
        }
        ram.discard(gpa, length);
    }
}
