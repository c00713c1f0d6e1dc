package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/**
 * The domain's grant table, version 1 only: frames of 8-byte {@code grant_entry_v1} (flags, domid, frame).
 * Like shared_info, a frame is a host page until the guest maps it into its physmap
 * ({@code XENMAPSPACE_grant_table}), and the entries Domus seeds (the console and xenstore pages, granted to
 * domain 0 as libxl and init-dom0less seed them) are carried over when it does.
 */
public final class GrantTable {
    public static final int ENTRY_SIZE = 8;
    public static final int RESERVED_CONSOLE = 0;
    public static final int RESERVED_XENSTORE = 1;
    private static final short GTF_PERMIT_ACCESS = 1;

    private final int maxFrames;
    private final MemorySegment[] frames;
    private final long[] gfns;
    private int nrFrames = 1;

    public GrantTable(int maxFrames) {
        this.maxFrames = maxFrames;
        this.frames = new MemorySegment[maxFrames];
        this.gfns = new long[maxFrames];
        for (int i = 0; i < maxFrames; i++) {
            gfns[i] = -1;
        }
    }

    public int maxFrames() {
        return maxFrames;
    }

    public int nrFrames() {
        return nrFrames;
    }

    /** The guest frame table frame {@code idx} is mapped at, -1 if it is not. */
    public long gfn(int idx) {
        return idx >= 0 && idx < maxFrames ? gfns[idx] : -1;
    }

    private MemorySegment frame(int idx) {
        if (frames[idx] == null) {
            frames[idx] = MemorySegment.ofArray(new long[GuestMemory.PAGE / 8]);
        }
        return frames[idx];
    }

    /** Maps table frame {@code idx} at {@code gfn}, growing the table to it as Xen does; -EINVAL past the maximum. */
    public void map(GuestMemory mem, long idx, long gfn) {
        if (idx < 0 || idx >= maxFrames) {
            throw XenError.of(Errno.EINVAL);
        }
        int i = (int) idx;
        MemorySegment target = mem.page(gfn);
        if (gfns[i] != gfn) {
            MemorySegment.copy(frame(i), 0, target, 0, GuestMemory.PAGE);
        }
        frames[i] = target;
        gfns[i] = gfn;
        nrFrames = Math.max(nrFrames, i + 1);
    }

    /** Grows the table to {@code n} frames (GNTTABOP_setup_table); -EINVAL past the maximum. */
    public void grow(int n) {
        if (n < 0 || n > maxFrames) {
            throw XenError.of(Errno.EINVAL);
        }
        nrFrames = Math.max(nrFrames, n);
    }

    /** Writes entry {@code ref} granting {@code gfn} to {@code domid} (gnttab_seed_entry). */
    public void seed(int ref, int domid, long gfn) {
        MemorySegment f = frame(ref / (GuestMemory.PAGE / ENTRY_SIZE));
        long at = (long) (ref % (GuestMemory.PAGE / ENTRY_SIZE)) * ENTRY_SIZE;
        f.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), at + 2, (short) domid);
        f.set(Atomics.INT, at + 4, (int) gfn);
        f.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), at, GTF_PERMIT_ACCESS);
    }

    /** Entry {@code ref} as {@code flags | domid << 16 | frame << 32}, for tests and the store's mapping. */
    public long entry(int ref) {
        MemorySegment f = frame(ref / (GuestMemory.PAGE / ENTRY_SIZE));
        return f.get(Atomics.LONG, (long) (ref % (GuestMemory.PAGE / ENTRY_SIZE)) * ENTRY_SIZE);
    }
}
