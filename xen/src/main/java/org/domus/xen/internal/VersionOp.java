package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/** {@code xen_version}: Domus answers as Xen 4.17 (the version Debian's guests are built against). */
final class VersionOp {
    static final int MAJOR = 4;
    static final int MINOR = 17;
    static final String EXTRA = ".0";
    static final String CAPABILITIES = "xen-3.0-aarch64";
    static final int XENFEAT_WRITABLE_PAGE_TABLES = 0;
    static final int XENFEAT_AUTO_TRANSLATED_PHYSMAP = 2;
    static final int XENFEAT_MEMORY_OP_VNODE_SUPPORTED = 13;
    static final int XENFEAT_NOT_DIRECT_MAPPED = 16;
    static final int XENFEAT_RUNSTATE_PHYS_AREA = 18;
    /**
     * What Xen tells an Arm domU, less ARM_SMCCC_supported: SMCCC calls over HVC are not forwarded to Domus
     * (only HVC #0xEA1 is), so claiming them would be a lie.
     */
    static final int FEATURES = 1 << XENFEAT_WRITABLE_PAGE_TABLES | 1 << XENFEAT_AUTO_TRANSLATED_PHYSMAP
            | 1 << XENFEAT_MEMORY_OP_VNODE_SUPPORTED | 1 << XENFEAT_NOT_DIRECT_MAPPED | 1 << XENFEAT_RUNSTATE_PHYS_AREA;

    private VersionOp() {
    }

    static long call(GuestVirtual g, int cmd, long arg) {
        switch (cmd) {
            case 0 -> {
                return (long) MAJOR << 16 | MINOR;
            }
            case 1 -> g.copyOut(arg, Struct.chars(EXTRA, 16));
            case 2 -> {
                MemorySegment info = MemorySegment.ofArray(new byte[144]);
                MemorySegment.copy(Struct.chars("Domus (Java " + Runtime.version().feature() + ")", 64), 0, info, 0, 64);
                MemorySegment.copy(Struct.chars("domus", 16), 0, info, 64, 16);
                g.copyOut(arg, info);
            }
            case 3 -> g.copyOut(arg, Struct.chars(CAPABILITIES, 1024));
            case 4 -> g.copyOut(arg, Struct.chars("domus", 64));
            case 5 -> g.writeLong(arg, 0);
            case 6 -> {
                MemorySegment fi = g.copyIn(arg, 8);
                if (Struct.u32(fi, 0) != 0) {
                    throw XenError.of(Errno.EINVAL);
                }
                Struct.u32(fi, 4, FEATURES);
                g.copyOut(arg, fi);
            }
            case 7 -> {
                return GuestMemory.PAGE;
            }
            case 8 -> g.copyOut(arg, MemorySegment.ofArray(new byte[16]));
            // The command line and build id are the privileged domain's to read.
            case 9, 10 -> throw XenError.of(Errno.EPERM);
            default -> throw XenError.of(Errno.ENOSYS);
        }
        return 0;
    }
}
