package org.domus.engine.xen;

/**
 * The Xen guest ABI of one domain, as an engine reaches it (the {@code xen} module implements it; no engine
 * knows Xen's semantics). The engine calls {@link #attach} once per engine domain it builds (a reboot builds a
 * new one), then {@link #hypercall} for every hypercall of every vCPU, from the vCPUs' own threads.
 */
public interface XenAbi {
    /** The new engine domain's RAM and upcall line; the previous guest's, if any, are gone. */
    void attach(GuestRam ram, Upcalls upcalls);

    /** Answers one hypercall with x0's new value (0, a result, or Xen's negative errno); never throws. */
    long hypercall(Hypercall call);
}
