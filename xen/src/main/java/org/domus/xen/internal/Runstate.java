package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

import org.domus.engine.xen.Hypercall.Stage1;

/**
 * One vCPU's {@code struct vcpu_runstate_info} (state, entry time, time spent in each state) and where the
 * guest asked to see it: a virtual address (translated anew at each update, with the vCPU's latest
 * translation registers, as Xen on Arm does) or a physical one. Domus sees a vCPU only when it calls in, so
 * the state changes it reports are the ones it causes: blocked while SCHEDOP_block/poll waits, running else.
 */
public final class Runstate {
    public static final int RUNNING = 0;
    public static final int BLOCKED = 2;
    static final int SIZE = 48;
    private static final long UPDATE_FLAG = 1L << 63;

    private int state = RUNNING;
    private long entryTime;
    private final long[] time = new long[4];
    private long va;
    private volatile Stage1 s1;
    private long pa = -1;

    /** Guest-virtual area (VCPUOP_register_runstate_memory_area); 0 stops updates. */
    public void areaVirtual(long va, Stage1 s1) {
        this.va = va;
        this.s1 = s1;
        this.pa = -1;
    }

    /** Guest-physical area (VCPUOP_register_runstate_phys_area); ~0 stops updates. */
    public void areaPhysical(long pa) {
        this.pa = pa;
        this.va = 0;
    }

    /** The vCPU called in with these registers: the latest way to reach a virtual area. */
    public void seen(Stage1 latest) {
        if (va != 0) {
            s1 = latest;
        }
    }

    public void change(int newState, long now) {
        time[state] += now - entryTime;
        state = newState;
        entryTime = now;
    }

    /** Copies the counters (not the area) into {@code other}: VCPUOP_get_runstate_info. */
    void copyTo(Runstate other) {
        other.state = state;
        other.entryTime = entryTime;
        System.arraycopy(time, 0, other.time, 0, time.length);
    }

    public int state() {
        return state;
    }

    /** Writes the area if the guest registered one; a fault is ignored, as Xen ignores it. */
    public void publish(GuestMemory mem, boolean updateFlag) {
        if (mem == null || (va == 0 && pa == -1)) {
            return;
        }
        MemorySegment s = MemorySegment.ofArray(new long[SIZE / 8]);
        s.set(Atomics.INT, 0, state);
        s.set(Atomics.LONG, 8, entryTime | (updateFlag ? UPDATE_FLAG : 0));
        for (int i = 0; i < 4; i++) {
            s.set(Atomics.LONG, 16 + 8L * i, time[i]);
        }
        try {
            if (pa != -1) {
                MemorySegment dst = mem.slice(pa, SIZE);
                if (updateFlag) {
                    // The guest reads entry time with the flag set until the whole record is consistent again.
                    Atomics.setLong(dst, 8, Atomics.getLong(dst, 8) | UPDATE_FLAG);
                }
                MemorySegment.copy(s, 0, dst, 0, SIZE);
                if (updateFlag) {
                    Atomics.setLong(dst, 8, entryTime);
                }
            } else {
                GuestVirtual g = new GuestVirtual(mem, s1);
                g.copyOut(va, s);
                if (updateFlag) {
                    g.writeLong(va + 8, entryTime);
                }
            }
        } catch (XenError e) {
            // The guest unmapped its own area: Xen skips the update the same way.
        }
    }
}
