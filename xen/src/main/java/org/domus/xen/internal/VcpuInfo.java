package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/**
 * Where one vCPU's {@code struct vcpu_info} lives: the area the guest registered, else its slot in shared_info,
 * else (vCPUs without a slot, before they register) a host-side stand-in as Xen's dummy_vcpu_info.
 * {@code evtchn_upcall_pending} is byte 0 and {@code evtchn_pending_sel} the word at 8; both are updated with
 * atomic word operations, as Xen does.
 */
public final class VcpuInfo {
    static final int UPCALL_PENDING = 0;
    static final int PENDING_SEL = 8;

    private final int vcpu;
    private final SharedInfo shared;
    private final MemorySegment dummy = MemorySegment.ofArray(new long[SharedInfo.VCPU_INFO_SIZE / 8]);
    private volatile MemorySegment registered;

    VcpuInfo(int vcpu, SharedInfo shared) {
        this.vcpu = vcpu;
        this.shared = shared;
    }

    MemorySegment area() {
        if (registered != null) {
            return registered;
        }
        return vcpu < SharedInfo.LEGACY_VCPUS ? shared.legacyVcpuInfo(vcpu) : dummy;
    }

    boolean isRegistered() {
        return registered != null;
    }

    /** Moves to a guest-registered area, carrying the current contents over, then marks everything pending. */
    void register(MemorySegment area) {
        MemorySegment.copy(area(), 0, area, 0, SharedInfo.VCPU_INFO_SIZE);
        registered = area;
        Atomics.setLong(area, PENDING_SEL, -1L);
    }

    /** Sets the selector bit of event word {@code word}; true if it was already set. */
    boolean selectWord(int word) {
        return Atomics.testAndSet(area(), PENDING_SEL, word);
    }

    /** Sets evtchn_upcall_pending; true if it was already set (the upcall is then on its way). */
    boolean markUpcallPending() {
        return Atomics.testAndSet(area(), UPCALL_PENDING, 0);
    }

    boolean upcallPending() {
        return Atomics.test(area(), UPCALL_PENDING, 0);
    }
}
