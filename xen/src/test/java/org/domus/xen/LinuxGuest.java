package org.domus.xen;

import java.nio.charset.StandardCharsets;

import org.domus.engine.xen.Hypercall;

/**
 * A guest kernel's side of the ABI, built the way Linux lays itself out: 48-bit kernel addresses in TTBR1 at a
 * KASLR-style offset, each buffer in pages of its own that are not physically contiguous, hypercall arguments
 * passed as those virtual addresses. Only what a test needs to issue calls and look at the shared pages.
 */
final class LinuxGuest implements AutoCloseable {
    static final int DOMID_SELF = 0x7FF0;
    static final long KERNEL_BASE = 0xffff_8000_0000_0000L;

    final TestRam ram;
    final PageTables tables;
    final RecordingUpcalls upcalls;
    final XenDomain domain;
    private long nextVa;

    LinuxGuest(XenDomain domain, long ramBytes, int vaBits, long kaslr) {
        this.domain = domain;
        this.ram = new TestRam(ramBytes);
        this.tables = new PageTables(ram, vaBits);
        this.upcalls = new RecordingUpcalls(domain.config().vcpus());
        this.nextVa = (vaBits == 48 ? KERNEL_BASE : -(1L << vaBits)) + (kaslr << 21);
        domain.attach(ram, upcalls);
    }

    LinuxGuest(XenDomain domain) {
        this(domain, domain.config().ramBytes(), 48, 0x1234);
    }

    /** A kernel buffer of {@code bytes}: fresh pages, mapped one by one with a gap so that they are not contiguous. */
    long kalloc(int bytes) {
        long va = nextVa;
        int pages = (bytes + 4095) / 4096;
        for (int i = 0; i < pages; i++) {
            long pa = ram.allocPage();
            ram.allocPage();
            tables.mapPage(va + 4096L * i, pa, 0);
        }
        nextVa += 4096L * (pages + 1);
        return va;
    }

    /** A buffer that starts {@code tail} bytes before a page boundary, so a structure in it spans two pages. */
    long kallocStraddling(int bytes, int tail) {
        long va = kalloc(bytes + 4096);
        return va + 4096 - tail;
    }

    long pa(long va) {
        Long pa = tables.physical(va);
        if (pa == null) {
            throw new IllegalArgumentException("not mapped: 0x" + Long.toHexString(va));
        }
        return pa;
    }

    void put8(long va, long v) {
        for (int i = 0; i < 8; i++) {
            ram.at(pa(va + i), 1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) (v >>> (8 * i)));
        }
    }

    void put4(long va, int v) {
        for (int i = 0; i < 4; i++) {
            ram.at(pa(va + i), 1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) (v >>> (8 * i)));
        }
    }

    void put2(long va, int v) {
        for (int i = 0; i < 2; i++) {
            ram.at(pa(va + i), 1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) (v >>> (8 * i)));
        }
    }

    long get8(long va) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (ram.at(pa(va + i), 1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xffL) << (8 * i);
        }
        return v;
    }

    int get4(long va) {
        return (int) get8Partial(va, 4);
    }

    int get2(long va) {
        return (int) get8Partial(va, 2);
    }

    private long get8Partial(long va, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (ram.at(pa(va + i), 1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xffL) << (8 * i);
        }
        return v;
    }

    String string(long va, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < max; i++) {
            byte c = ram.at(pa(va + i), 1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
            if (c == 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    long call(int vcpu, long op, long... args) {
        long[] a = new long[5];
        System.arraycopy(args, 0, a, 0, args.length);
        return domain.hypercall(new Hypercall(vcpu, op, a[0], a[1], a[2], a[3], a[4], tables.regs()));
    }

    // ---- the calls Linux makes, as it makes them -----------------------------------------------------------

    long getParam(int index) {
        long p = kalloc(16);
        put2(p, DOMID_SELF);
        put4(p + 4, index);
        long rc = call(0, 34, 1, p);
        if (rc != 0) {
            throw new AssertionError("get_param " + index + " failed: " + rc);
        }
        return get8(p + 8);
    }

    long addToPhysmap(int space, long idx, long gfn) {
        long a = kalloc(24);
        put2(a, DOMID_SELF);
        put4(a + 4, space);
        put8(a + 8, idx);
        put8(a + 16, gfn);
        return call(0, 12, 7, a);
    }

    long evtchn(int cmd, int... words) {
        long a = kalloc(32);
        for (int i = 0; i < words.length; i++) {
            put4(a + 4L * i, words[i]);
        }
        long rc = call(0, 32, cmd, a);
        lastArg = a;
        return rc;
    }

    long lastArg;

    long send(int port) {
        return evtchn(4, port);
    }

    long unmask(int port) {
        return evtchn(9, port);
    }

    /** EVTCHNOP_alloc_unbound(DOMID_SELF, remote): the new port, or the error. */
    long allocUnbound(int remote) {
        long a = kalloc(8);
        put2(a, DOMID_SELF);
        put2(a + 2, remote);
        long rc = call(0, 32, 6, a);
        return rc < 0 ? rc : get4(a + 4);
    }

    long bindInterdomain(int remoteDom, int remotePort) {
        long a = kalloc(12);
        put2(a, remoteDom);
        put4(a + 4, remotePort);
        long rc = call(0, 32, 0, a);
        return rc < 0 ? rc : get4(a + 8);
    }

    /** Maps shared_info at a fresh kernel page, as xen_guest_init does; returns its physical address. */
    long mapSharedInfo() {
        long va = kalloc(4096);
        long pa = pa(va);
        long rc = addToPhysmap(0, 0, pa >>> 12);
        if (rc != 0) {
            throw new AssertionError("add_to_physmap shared_info: " + rc);
        }
        return pa;
    }

    /** Registers vcpu_info for every vCPU inside one page at 64-byte strides, as per-cpu data sits; returns its physical address. */
    long registerVcpuInfos() {
        long va = kalloc(4096);
        long pa = pa(va);
        for (int v = 0; v < domain.config().vcpus(); v++) {
            long a = kalloc(16);
            put8(a, pa >>> 12);
            put4(a + 8, 64 * v);
            long rc = call(v, 24, 10, v, a);
            if (rc != 0) {
                throw new AssertionError("register_vcpu_info " + v + ": " + rc);
            }
        }
        return pa;
    }

    boolean pendingBit(long sharedInfoPa, int port) {
        return (ram.readLong(sharedInfoPa + 48 + (port / 64) * 8L) & (1L << (port % 64))) != 0;
    }

    void setMask(long sharedInfoPa, int port, boolean masked) {
        long at = sharedInfoPa + 48 + 512 + (port / 64) * 8L;
        long w = ram.readLong(at);
        ram.writeLong(at, masked ? w | (1L << (port % 64)) : w & ~(1L << (port % 64)));
    }

    /** What the upcall handler does first: clears evtchn_upcall_pending and takes the selector. */
    long takeSelector(long vcpuInfoPa) {
        ram.at(vcpuInfoPa, 1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0);
        long sel = ram.readLong(vcpuInfoPa + 8);
        ram.writeLong(vcpuInfoPa + 8, 0);
        return sel;
    }

    /** hvc_xen's write: bytes into the out ring, out_prod advanced, then a notification. */
    void consoleWrite(String text) {
        long page = domain.layout().consolePfn() << 12;
        int prod = ram.readInt(page + 3084);
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length; i++) {
            ram.at(page + 1024 + ((prod + i) & 2047), 1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b[i]);
        }
        ram.writeInt(page + 3084, prod + b.length);
        long rc = send(domain.console().port());
        if (rc != 0) {
            throw new AssertionError("console send: " + rc);
        }
    }

    @Override
    public void close() {
        ram.close();
    }
}
