package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/** {@code vcpu_op}: where a vCPU's vcpu_info and runstate live. */
final class VcpuOp {
    static final int GET_RUNSTATE_INFO = 4;
    static final int REGISTER_RUNSTATE_MEMORY_AREA = 5;
    static final int REGISTER_VCPU_INFO = 10;
    static final int REGISTER_RUNSTATE_PHYS_AREA = 14;

    private VcpuOp() {
    }

    static long call(DomainState d, GuestVirtual g, int cmd, long vcpuid, long arg) {
        if (vcpuid < 0 || vcpuid >= d.vcpus()) {
            throw XenError.of(Errno.ENOENT);
        }
        int v = (int) vcpuid;
        switch (cmd) {
            case REGISTER_VCPU_INFO -> registerVcpuInfo(d, g, v, arg);
            case REGISTER_RUNSTATE_MEMORY_AREA -> {
                long va = g.readLong(arg);
                d.events().lock().lock();
                try {
                    Runstate r = d.runstate(v);
                    r.areaVirtual(va, g.stage1());
                    r.publish(d.memory(), false);
                } finally {
                    d.events().lock().unlock();
                }
            }
            case REGISTER_RUNSTATE_PHYS_AREA -> {
                long pa = g.readLong(arg);
                if (pa != -1) {
                    checkGuestArea(g.memory(), pa, Runstate.SIZE);
                }
                d.events().lock().lock();
                try {
                    Runstate r = d.runstate(v);
                    r.areaPhysical(pa);
                    r.publish(d.memory(), false);
                } finally {
                    d.events().lock().unlock();
                }
            }
            case GET_RUNSTATE_INFO -> {
                g.checkWritable(arg, Runstate.SIZE);
                d.events().lock().lock();
                Runstate copy = new Runstate();
                try {
                    copy.areaVirtual(arg, g.stage1());
                    d.runstate(v).copyTo(copy);
                } finally {
                    d.events().lock().unlock();
                }
                copy.publish(g.memory(), false);
            }
            default -> throw XenError.of(Errno.ENOSYS);
        }
        return 0;
    }

    /** struct vcpu_register_vcpu_info: mfn @0, offset @8, rsvd @12. */
    private static void registerVcpuInfo(DomainState d, GuestVirtual g, int v, long arg) {
        MemorySegment info = g.copyIn(arg, 16);
        long gfn = Struct.u64(info, 0);
        long offset = Integer.toUnsignedLong(Struct.u32(info, 8));
        if (gfn < 0 || gfn > (Long.MAX_VALUE >>> 12) || offset >= GuestMemory.PAGE) {
            throw XenError.of(Errno.EINVAL);
        }
        long gaddr = (gfn << 12) + offset;
        checkGuestArea(g.memory(), gaddr, SharedInfo.VCPU_INFO_SIZE);
        d.events().registerVcpuInfo(v, g.memory().slice(gaddr, SharedInfo.VCPU_INFO_SIZE));
    }

    /** Xen's map_guest_area checks: one page, word-aligned (-ENXIO), and a frame of the guest's (-EINVAL). */
    private static void checkGuestArea(GuestMemory mem, long gaddr, int size) {
        if ((gaddr >>> 12) != ((gaddr + size - 1) >>> 12) || (gaddr & 7) != 0) {
            throw XenError.of(Errno.ENXIO);
        }
        if (!mem.contains(gaddr, size)) {
            throw XenError.of(Errno.EINVAL);
        }
    }
}
