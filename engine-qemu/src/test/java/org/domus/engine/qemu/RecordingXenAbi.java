package org.domus.engine.qemu;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.domus.engine.xen.GuestRam;
import org.domus.engine.xen.Hypercall;
import org.domus.engine.xen.Upcalls;
import org.domus.engine.xen.XenAbi;

/** The smallest Xen ABI: it records every hypercall and answers {@code answer}'s value, -ENOSYS by default. */
final class RecordingXenAbi implements XenAbi {
    static final long ENOSYS = -38;
    final List<Hypercall> calls = new CopyOnWriteArrayList<>();
    volatile GuestRam ram;
    volatile Upcalls upcalls;
    private final Function<Hypercall, Long> answer;

    RecordingXenAbi() {
        this(c -> ENOSYS);
    }

    RecordingXenAbi(Function<Hypercall, Long> answer) {
        this.answer = answer;
    }

    @Override
    public void attach(GuestRam ram, Upcalls upcalls) {
        this.ram = ram;
        this.upcalls = upcalls;
    }

    @Override
    public long hypercall(Hypercall call) {
        calls.add(call);
        return answer.apply(call);
    }
}
