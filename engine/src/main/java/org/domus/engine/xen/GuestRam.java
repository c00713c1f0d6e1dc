package org.domus.engine.xen;

import java.lang.foreign.MemorySegment;

/**
 * A domain's RAM as the host sees it: the same pages the guest runs on (the engine shares them with the host
 * process), as one bounds-checked segment. Every access the Xen ABI makes on the guest's behalf goes through
 * {@link #memory()}, so a guest address outside its RAM can only ever fail, never reach host memory.
 *
 * @param base guest-physical address of the segment's first byte
 */
public interface GuestRam {
    MemorySegment memory();

    long base();

    /** Gives the pages of {@code [gpa, gpa + length)} back to the host (a balloon's freed pages): they read as zero after. */
    void discard(long gpa, long length);
}
