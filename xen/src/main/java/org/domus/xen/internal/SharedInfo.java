package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/**
 * The domain's {@code struct shared_info} (Arm64 layout: one legacy {@code vcpu_info} of 48 bytes, then the
 * 2-level event words). Xen keeps it in a page of its own and the guest maps that page where it likes with
 * {@code XENMEM_add_to_physmap}; here it lives in a host page until the guest names a frame of its RAM, whose
 * contents it then replaces, so events sent before the guest mapped it are still there when it does.
 */
public final class SharedInfo {
    public static final int VCPU_INFO_SIZE = 48;
    public static final int LEGACY_VCPUS = 1;
    public static final int PENDING = 48;
    public static final int MASK = PENDING + 64 * 8;
    /** Ports a 2-level shared_info can name: 64 words of 64 bits. */
    public static final int PORTS = 64 * 64;

    private volatile MemorySegment page = MemorySegment.ofArray(new long[GuestMemory.PAGE / 8]);
    private volatile long gfn = -1;

    /** Maps the page at guest frame {@code gfn}, carrying its contents over. */
    public void mapAt(GuestMemory mem, long gfn) {
        MemorySegment target = mem.page(gfn);
        if (gfn != this.gfn) {
            MemorySegment.copy(page, 0, target, 0, GuestMemory.PAGE);
        }
        page = target;
        this.gfn = gfn;
    }

    /** The guest frame it is mapped at, -1 before the guest mapped it. */
    public long gfn() {
        return gfn;
    }

    /** Sets the port's pending bit; true if it was already pending. */
    public boolean setPending(int port) {
        return Atomics.testAndSet(page, PENDING + (port >>> 6) * 8L, port & 63);
    }

    public void clearPending(int port) {
        Atomics.testAndClear(page, PENDING + (port >>> 6) * 8L, port & 63);
    }

    public boolean isPending(int port) {
        return Atomics.test(page, PENDING + (port >>> 6) * 8L, port & 63);
    }

    public boolean isMasked(int port) {
        return Atomics.test(page, MASK + (port >>> 6) * 8L, port & 63);
    }

    public void mask(int port) {
        Atomics.testAndSet(page, MASK + (port >>> 6) * 8L, port & 63);
    }

    /** Clears the port's mask bit; true if it was masked. */
    public boolean unmask(int port) {
        return Atomics.testAndClear(page, MASK + (port >>> 6) * 8L, port & 63);
    }

    /** The legacy vcpu_info slot of {@code vcpu}, only for the first {@link #LEGACY_VCPUS} vCPUs. */
    public MemorySegment legacyVcpuInfo(int vcpu) {
        return page.asSlice((long) vcpu * VCPU_INFO_SIZE, VCPU_INFO_SIZE);
    }
}
