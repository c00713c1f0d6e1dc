package org.domus.xenstore;

/** What xenstored keeps about an introduced domain. */
final class DomainRecord {
    final int domid;
    long gfn;
    int eventChannel;
    /** SET_TARGET: the domain whose rights this one also has, or -1. */
    int target = -1;
    /** @releaseDomain already fired for its shutdown; RESUME or a new introduction re-arms it. */
    boolean shutdownReported;

    DomainRecord(int domid, long gfn, int eventChannel) {
        this.domid = domid;
        this.gfn = gfn;
        this.eventChannel = eventChannel;
    }
}
