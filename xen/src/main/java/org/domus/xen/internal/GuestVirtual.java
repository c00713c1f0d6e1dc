package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

import org.domus.engine.xen.Hypercall.Stage1;

/**
 * Guest-virtual buffers of one hypercall, copied page by page through {@link Stage1Walker}: a structure that
 * crosses a page boundary lands in two unrelated physical pages. Arguments are copied in whole, worked on in
 * host memory and copied out, as Xen's copy_from_guest/copy_to_guest do.
 */
public final class GuestVirtual {
    /** The largest buffer one call may copy at once: Xen's structures are small; a bigger length is hostile. */
    public static final int MAX_COPY = 64 * 1024;

    private final GuestMemory mem;
    private final Stage1 s1;

    public GuestVirtual(GuestMemory mem, Stage1 s1) {
        this.mem = mem;
        this.s1 = s1;
    }

    public GuestMemory memory() {
        return mem;
    }

    public Stage1 stage1() {
        return s1;
    }

    public MemorySegment copyIn(long va, int length) {
        if (length < 0 || length > MAX_COPY) {
            throw XenError.of(Errno.EINVAL);
        }
        MemorySegment dst = MemorySegment.ofArray(new long[(length + 7) / 8]).asSlice(0, length);
        int done = 0;
        while (done < length) {
            long at = va + done;
            int chunk = (int) Math.min(length - done, GuestMemory.PAGE - (at & 0xfff));
            long pa = Stage1Walker.translate(mem, s1, at, false);
            MemorySegment.copy(mem.slice(pa, chunk), 0, dst, done, chunk);
            done += chunk;
        }
        return dst;
    }

    public void copyOut(long va, MemorySegment src) {
        long length = src.byteSize();
        long done = 0;
        while (done < length) {
            long at = va + done;
            int chunk = (int) Math.min(length - done, GuestMemory.PAGE - (at & 0xfff));
            long pa = Stage1Walker.translate(mem, s1, at, true);
            MemorySegment.copy(src, done, mem.slice(pa, chunk), 0, chunk);
            done += chunk;
        }
    }

    /** Checks that {@code [va, va + length)} is writable before anything is changed on the guest's behalf. */
    public void checkWritable(long va, int length) {
        long done = 0;
        while (done < length) {
            long at = va + done;
            int chunk = (int) Math.min(length - done, GuestMemory.PAGE - (at & 0xfff));
            mem.slice(Stage1Walker.translate(mem, s1, at, true), chunk);
            done += chunk;
        }
    }

    public long readLong(long va) {
        return copyIn(va, 8).get(Atomics.LONG, 0);
    }

    public int readInt(long va) {
        return copyIn(va, 4).get(Atomics.INT, 0);
    }

    public void writeLong(long va, long value) {
        MemorySegment s = MemorySegment.ofArray(new long[1]);
        s.set(Atomics.LONG, 0, value);
        copyOut(va, s);
    }
}
