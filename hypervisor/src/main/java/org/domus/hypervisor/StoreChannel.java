package org.domus.hypervisor;

import org.domus.dom0less.Enhanced;

/**
 * A domain's way to the store as Xen would hold it for a dom0less guest: the event channel allocated at build
 * ({@code HVM_PARAM_STORE_EVTCHN}) and the store page frame ({@code HVM_PARAM_STORE_PFN}): {@link #LATE} until
 * init-dom0less gives it a page. Each new guest (a restart) starts waiting again, unless init-dom0less already ran
 * for the domain: then the rebuilt guest gets its page at once, as a toolstack that re-creates a domain gives it one.
 * <p>
 * Instances are also the lock under which the domain's store entries change, so that init-dom0less and a
 * restart never interleave their writes.
 */
final class StoreChannel {
    /** {@code XENSTORE_PFN_LATE_ALLOC}: the guest waits for an event on its store channel before using the page. */
    static final long LATE = -1L;
    /**
     * Where init-dom0less puts the store page on Arm: the frame after {@code GUEST_MAGIC_BASE} (0x39000000,
     * Xen's public arch-arm.h; {@code XENSTORE_PFN_OFFSET} 1). The x86 layout comes with the kvm engine's Xen ABI.
     */
    static final long STORE_GFN = (0x39000000L >> 12) + 1;

    private final Enhanced enhanced;
    private final int eventChannel;
    /** The frame init-dom0less gives the guest as its store page. */
    private final long storeGfn;
    private long pfn;
    private boolean initialised;

    StoreChannel(Enhanced enhanced, int eventChannel) {
        this(enhanced, eventChannel, STORE_GFN);
    }

    /** {@code storeGfn}: where a guest that sees Xen's ABI finds its store page (the xen module's layout). */
    StoreChannel(Enhanced enhanced, int eventChannel, long storeGfn) {
        this.enhanced = enhanced;
        this.eventChannel = enhanced.hasXenstore() ? eventChannel : 0;
        this.storeGfn = storeGfn;
        this.pfn = 0;
    }

    Enhanced enhanced() {
        return enhanced;
    }

    /** Whether the domain has a store connection at all (xen,enhanced empty, "enabled" or "legacy"). */
    boolean hasStore() {
        return eventChannel != 0;
    }

    int eventChannel() {
        return eventChannel;
    }

    /** {@code HVM_PARAM_STORE_PFN}: 0 without a store, {@link #LATE}, or the page's frame. */
    synchronized long pfn() {
        return pfn;
    }

    /** Whether the guest has its page (init-dom0less ran for it). */
    synchronized boolean hasPage() {
        return hasStore() && pfn != LATE && pfn != 0;
    }

    /** A new guest is built: it waits for its page, or gets it now if init-dom0less already ran for this domain. */
    synchronized void newGuest() {
        if (hasStore()) {
            pfn = initialised ? storeGfn : LATE;
        }
    }

    /** init-dom0less's page allocation; false when the guest already had its page (nothing to do). */
    synchronized boolean givePage() {
        initialised = true;
        boolean had = pfn == storeGfn;
        pfn = storeGfn;
        return !had;
    }

    /** {@code PFN ~0}, {@code PFN 0x39001}: as Xen's own messages print the param. */
    synchronized String describe() {
        if (!hasStore()) {
            return "no store";
        }
        return "store event channel %d, STORE_PFN %s".formatted(eventChannel, pfn == LATE ? "~0 (waiting for init-dom0less)"
                : "0x" + Long.toHexString(pfn));
    }
}
