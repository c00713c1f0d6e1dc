package org.domus.engine.xen;

/** How the Xen ABI interrupts a guest: Xen's event-channel upcall (PPI 31 on Arm) on one vCPU. */
public interface Upcalls {
    /** Raises the upcall on {@code vcpu}; cheap, callable from any thread, coalesced if one is already pending. */
    void raise(int vcpu);
}
