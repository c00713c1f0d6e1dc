package org.domus.hypervisor;

/** Where a domain is in its life; the names follow Xen's toolstack where it has one. */
public enum DomainState {
    BUILDING, RUNNING, PAUSED, SHUTDOWN, CRASHED, RESTARTING, DESTROYED;

    /** No engine process behind it any more, and none coming. */
    public boolean isFinal() {
        return this == SHUTDOWN || this == CRASHED || this == DESTROYED;
    }
}
