package org.domus.xen;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.domus.engine.xen.Upcalls;

/** Counts the upcalls raised on each vCPU: what the engine would inject as PPI 31. */
final class RecordingUpcalls implements Upcalls {
    final AtomicIntegerArray raised;

    RecordingUpcalls(int vcpus) {
        raised = new AtomicIntegerArray(vcpus);
    }

    @Override
    public void raise(int vcpu) {
        raised.incrementAndGet(vcpu);
    }

    int count(int vcpu) {
        return raised.get(vcpu);
    }
}
