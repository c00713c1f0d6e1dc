package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/**
 * {@code memory_op}: the balloon's reservations, the domain's page counts, and add_to_physmap for shared_info
 * and grant-table frames (the only spaces a guest without stage-2 remapping can be given: the frame it names
 * must be its own RAM, whose contents the Xen page then replaces).
 */
final class MemoryOp {
    static final int INCREASE_RESERVATION = 0;
    static final int DECREASE_RESERVATION = 1;
    static final int CURRENT_RESERVATION = 3;
    static final int MAXIMUM_RESERVATION = 4;
    static final int POPULATE_PHYSMAP = 6;
    static final int ADD_TO_PHYSMAP = 7;
    static final int MAXIMUM_GPFN = 14;
    static final int SPACE_SHARED_INFO = 0;
    static final int SPACE_GRANT_TABLE = 1;
    static final long IDX_GRANT_TABLE_STATUS = 0x8000_0000L;
    /** Extents handled in one call: Xen would preempt and continue; a guest sees a partial count and goes on. */
    static final long MAX_EXTENTS_PER_CALL = 1 << 16;

    private MemoryOp() {
    }

    static long call(DomainState d, GuestVirtual g, long cmd, long arg) {
        int op = (int) (cmd & 0x3f);
        long startExtent = cmd >>> 6;
        return switch (op) {
            case INCREASE_RESERVATION, POPULATE_PHYSMAP -> reservation(d, g, arg, startExtent, true);
            case DECREASE_RESERVATION -> reservation(d, g, arg, startExtent, false);
            case CURRENT_RESERVATION, MAXIMUM_RESERVATION, MAXIMUM_GPFN -> {
                d.checkSelf(Struct.u16(g.copyIn(arg, 2), 0));
                d.events().lock().lock();
                try {
                    yield switch (op) {
                        case CURRENT_RESERVATION -> d.reservation().totPages();
                        case MAXIMUM_RESERVATION -> d.reservation().maxPages();
                        default -> ((d.memory().base() + d.memory().size()) >>> 12) - 1;
                    };
                } finally {
                    d.events().lock().unlock();
                }
            }
            case ADD_TO_PHYSMAP -> addToPhysmap(d, g, arg);
            default -> throw XenError.of(Errno.ENOSYS);
        };
    }

    /** struct xen_memory_reservation: extent_start @0, nr_extents @8, extent_order @16, mem_flags @20, domid @24. */
    private static long reservation(DomainState d, GuestVirtual g, long arg, long startExtent, boolean populate) {
        MemorySegment r = g.copyIn(arg, 32);
        long extents = Struct.u64(r, 0);
        long nr = Struct.u64(r, 8);
        int order = Struct.u32(r, 16);
        d.checkSelf(Struct.u16(r, 24));
        if (Long.compareUnsigned(startExtent, nr) >= 0 || order < 0 || order > Reservation.MAX_ORDER) {
            return startExtent;
        }
        long end = Math.min(nr - startExtent, MAX_EXTENTS_PER_CALL) + startExtent;
        long i = startExtent;
        for (; i < end; i++) {
            long gfn;
            try {
                gfn = g.readLong(extents + i * 8);
            } catch (XenError e) {
                break;
            }
            d.events().lock().lock();
            try {
                boolean ok = populate ? d.reservation().populate(gfn, order) : d.reservation().decrease(gfn, order);
                if (!ok) {
                    break;
                }
            } finally {
                d.events().lock().unlock();
            }
        }
        return i;
    }

    /** struct xen_add_to_physmap: domid @0, size @2, space @4, idx @8, gpfn @16. */
    private static long addToPhysmap(DomainState d, GuestVirtual g, long arg) {
        MemorySegment a = g.copyIn(arg, 24);
        d.checkSelf(Struct.u16(a, 0));
        int space = Struct.u32(a, 4);
        long idx = Struct.u64(a, 8);
        long gfn = Struct.u64(a, 16);
        GuestMemory mem = g.memory();
        if (space != SPACE_SHARED_INFO && space != SPACE_GRANT_TABLE) {
            throw XenError.of(Errno.ENOSYS);
        }
        if (!mem.hasFrame(gfn)) {
            throw XenError.of(Errno.EINVAL);
        }
        d.events().lock().lock();
        try {
            if (space == SPACE_SHARED_INFO) {
                if (idx != 0) {
                    throw XenError.of(Errno.EINVAL);
                }
                d.events().mapSharedInfo(mem, gfn);
            } else {
                // Status frames exist only in grant-table version 2, which Domus does not offer.
                if ((idx & IDX_GRANT_TABLE_STATUS) != 0) {
                    throw XenError.of(Errno.EINVAL);
                }
                d.grants().map(mem, idx, gfn);
            }
        } finally {
            d.events().lock().unlock();
        }
        return 0;
    }
}
