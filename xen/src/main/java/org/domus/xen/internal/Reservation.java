package org.domus.xen.internal;

import java.util.BitSet;

/**
 * Which of the domain's RAM frames are populated, for the balloon: a page the guest gives back
 * (decrease_reservation) is discarded at once, so the host really gets it back, and may be populated again later
 * up to the domain's maximum. One bit per frame of RAM.
 */
public final class Reservation {
    /** Xen's default largest extent a domU may ask for (2 MiB with 4 KiB pages). */
    public static final int MAX_ORDER = 9;

    private final GuestMemory mem;
    private final BitSet released = new BitSet();
    private final long firstFrame;
    private final long frames;
    private long maxPages;
    private long totPages;

    public Reservation(GuestMemory mem) {
        this.mem = mem;
        this.firstFrame = mem.base() >>> 12;
        this.frames = mem.size() >>> 12;
        this.maxPages = frames;
        this.totPages = frames;
    }

    public long totPages() {
        return totPages;
    }

    public long maxPages() {
        return maxPages;
    }

    /** The toolstack's limit (memory/static-max); never above the RAM the domain was built with. */
    public void maxPages(long pages) {
        maxPages = Math.min(Math.max(pages, 0), frames);
    }

    private boolean inRam(long gfn, long count) {
        return gfn >= firstFrame && gfn - firstFrame <= frames - count;
    }

    /** Gives back the extent at {@code gfn}; false (the call stops there) if any of it is not populated RAM. */
    public boolean decrease(long gfn, int order) {
        long count = 1L << order;
        if ((gfn & (count - 1)) != 0 || !inRam(gfn, count)) {
            return false;
        }
        int from = (int) (gfn - firstFrame);
        if (released.nextSetBit(from) >= 0 && released.nextSetBit(from) < from + count) {
            return false;
        }
        mem.discard(gfn << 12, count << 12);
        released.set(from, (int) (from + count));
        totPages -= count;
        return true;
    }

    /** Populates the extent at {@code gfn} again; false if it is not RAM or the domain would pass its maximum. */
    public boolean populate(long gfn, int order) {
        long count = 1L << order;
        if ((gfn & (count - 1)) != 0 || !inRam(gfn, count)) {
            return false;
        }
        int from = (int) (gfn - firstFrame);
        long adding = released.get(from, (int) (from + count)).cardinality();
        if (totPages + adding > maxPages) {
            return false;
        }
        released.clear(from, (int) (from + count));
        totPages += adding;
        return true;
    }
}
