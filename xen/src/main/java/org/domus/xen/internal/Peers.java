package org.domus.xen.internal;

/** The event channels of every domain of the system, by id: what bind_interdomain and send reach across. */
public interface Peers {
    /** Null when no such domain exists (any more). */
    EventChannels lookup(int domid);
}
