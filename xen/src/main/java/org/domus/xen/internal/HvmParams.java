package org.domus.xen.internal;

/** The domain's HVM parameters (public/hvm/params.h) and who may read or write each (Xen's arch/arm/hvm.c). */
public final class HvmParams {
    public static final int CALLBACK_IRQ = 0;
    public static final int STORE_PFN = 1;
    public static final int STORE_EVTCHN = 2;
    public static final int CONSOLE_PFN = 17;
    public static final int CONSOLE_EVTCHN = 18;
    public static final int MONITOR_RING_PFN = 28;
    public static final int COUNT = 39;
    /** STORE_PFN while the store page is not there yet: the guest waits for the store's event (init-dom0less). */
    public static final long LATE_ALLOC = -1L;
    /** Xen's event-channel upcall on Arm (GUEST_EVTCHN_PPI). */
    public static final int EVTCHN_PPI = 31;
    /** Xen's value on Arm: type PPI (2) in bits 63:56, active-low level (2) in bits 15:8, the PPI. */
    public static final long CALLBACK_PPI_31 = (2L << 56) | (2L << 8) | EVTCHN_PPI;

    private final long[] values = new long[COUNT];

    public HvmParams() {
        values[CALLBACK_IRQ] = CALLBACK_PPI_31;
    }

    public long get(int index) {
        return values[index];
    }

    /** Set by Domus (the toolstack), never by the guest. */
    public void set(int index, long value) {
        values[index] = value;
    }

    /** The errno a guest's own get_param of {@code index} gets, 0 if allowed. */
    public static int guestGetError(long index) {
        if (index < 0 || index >= COUNT) {
            return Errno.EINVAL;
        }
        return switch ((int) index) {
            case CALLBACK_IRQ, STORE_PFN, STORE_EVTCHN, CONSOLE_PFN, CONSOLE_EVTCHN -> 0;
            case MONITOR_RING_PFN -> Errno.EPERM;
            default -> Errno.EINVAL;
        };
    }

    /** The errno a guest's own set_param of {@code index} gets: these are the toolstack's. */
    public static int guestSetError(long index) {
        if (index < 0 || index >= COUNT) {
            return Errno.EINVAL;
        }
        return switch ((int) index) {
            case CALLBACK_IRQ, STORE_PFN, STORE_EVTCHN, CONSOLE_PFN, CONSOLE_EVTCHN, MONITOR_RING_PFN -> Errno.EPERM;
            default -> Errno.EINVAL;
        };
    }
}
