package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/** {@code grant_table_op}, version 1: the table's size, version and frames. Mapping grants is not offered. */
final class GrantTableOp {
    static final int SETUP_TABLE = 2;
    static final int QUERY_SIZE = 6;
    static final int SET_VERSION = 8;
    static final int GET_VERSION = 10;
    static final short GNTST_OKAY = 0;
    static final short GNTST_GENERAL_ERROR = -1;
    static final short GNTST_BAD_DOMAIN = -2;
    static final short GNTST_BAD_VIRT_ADDR = -5;
    static final short GNTST_PERMISSION_DENIED = -8;
    static final long INVALID_GFN = -1L;

    private GrantTableOp() {
    }

    static long call(DomainState d, GuestVirtual g, int cmd, long uop, int count) {
        if (cmd != SETUP_TABLE && cmd != QUERY_SIZE && cmd != SET_VERSION && cmd != GET_VERSION) {
            throw XenError.of(Errno.ENOSYS);
        }
        if (count != 1) {
            throw XenError.of(Errno.EINVAL);
        }
        switch (cmd) {
            case QUERY_SIZE -> {
                // dom @0, nr_frames @4, max_nr_frames @8, status @12
                MemorySegment q = g.copyIn(uop, 16);
                short status = domainStatus(d, Struct.u16(q, 0));
                if (status == GNTST_OKAY) {
                    d.events().lock().lock();
                    try {
                        Struct.u32(q, 4, d.grants().nrFrames());
                        Struct.u32(q, 8, d.grants().maxFrames());
                    } finally {
                        d.events().lock().unlock();
                    }
                }
                Struct.u16(q, 12, status);
                g.copyOut(uop, q);
            }
            case SET_VERSION -> {
                MemorySegment v = g.copyIn(uop, 4);
                int version = Struct.u32(v, 0);
                Struct.u32(v, 0, 1);
                g.copyOut(uop, v);
                if (version == 2) {
                    throw XenError.of(Errno.EACCES);
                }
                if (version != 1) {
                    throw XenError.of(Errno.EINVAL);
                }
            }
            case GET_VERSION -> {
                // dom @0, pad @2, version @4
                MemorySegment v = g.copyIn(uop, 8);
                d.checkSelf(Struct.u16(v, 0));
                Struct.u32(v, 4, 1);
                g.copyOut(uop, v);
            }
            default -> setupTable(d, g, uop);
        }
        return 0;
    }

    /** struct gnttab_setup_table: dom @0, nr_frames @4, status @8, frame_list @16. */
    private static void setupTable(DomainState d, GuestVirtual g, long uop) {
        MemorySegment s = g.copyIn(uop, 24);
        short status = domainStatus(d, Struct.u16(s, 0));
        int n = Struct.u32(s, 4);
        long list = Struct.u64(s, 16);
        if (status == GNTST_OKAY) {
            long[] gfns;
            d.events().lock().lock();
            try {
                if (n < 0 || n > d.grants().maxFrames()) {
                    status = GNTST_GENERAL_ERROR;
                    gfns = new long[0];
                } else {
                    d.grants().grow(n);
                    gfns = new long[n];
                    for (int i = 0; i < n; i++) {
                        long gfn = d.grants().gfn(i);
                        gfns[i] = gfn < 0 ? INVALID_GFN : gfn;
                    }
                }
            } finally {
                d.events().lock().unlock();
            }
            for (int i = 0; i < gfns.length && status == GNTST_OKAY; i++) {
                try {
                    g.writeLong(list + 8L * i, gfns[i]);
                } catch (XenError e) {
                    status = GNTST_BAD_VIRT_ADDR;
                }
            }
        }
        Struct.u16(s, 8, status);
        g.copyOut(uop, s);
    }

    /** Grant ops report a bad domain in their status field, not as the call's result. */
    private static short domainStatus(DomainState d, int dom) {
        try {
            d.checkSelf(dom);
            return GNTST_OKAY;
        } catch (XenError e) {
            return e.errno() == Errno.EPERM ? GNTST_PERMISSION_DENIED : GNTST_BAD_DOMAIN;
        }
    }
}
