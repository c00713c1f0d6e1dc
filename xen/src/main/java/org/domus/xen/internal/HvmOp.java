package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/** {@code hvm_op} as Xen on Arm has it: get/set_param (the guest may read its PV parameters, never set them). */
final class HvmOp {
    static final int SET_PARAM = 0;
    static final int GET_PARAM = 1;
    static final int GUEST_REQUEST_VM_EVENT = 24;

    private HvmOp() {
    }

    /** struct xen_hvm_param: domid @0, pad @2, index @4, value @8. */
    static long call(DomainState d, GuestVirtual g, long op, long arg) {
        if (op == GUEST_REQUEST_VM_EVENT) {
            // No monitor is ever attached: a request with no argument is accepted and goes nowhere, as in Xen.
            if (arg != 0) {
                throw XenError.of(Errno.EINVAL);
            }
            return 0;
        }
        if (op != SET_PARAM && op != GET_PARAM) {
            throw XenError.of(Errno.ENOSYS);
        }
        MemorySegment p = g.copyIn(arg, 16);
        d.checkSelf(Struct.u16(p, 0));
        long index = Integer.toUnsignedLong(Struct.u32(p, 4));
        int error = op == SET_PARAM ? HvmParams.guestSetError(index) : HvmParams.guestGetError(index);
        if (error != 0) {
            throw XenError.of(error);
        }
        d.events().lock().lock();
        try {
            Struct.u64(p, 8, d.params().get((int) index));
        } finally {
            d.events().lock().unlock();
        }
        g.copyOut(arg, p);
        return 0;
    }
}
