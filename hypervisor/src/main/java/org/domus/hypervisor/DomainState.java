package org.domus.hypervisor;

/** Where a domain is in its life; the names follow Xen's toolstack where it has one. */
public enum DomainState {
    BUILDING, RUNNING, PAUSED, SHUTDOWN, CRASHED, RESTARTING, DESTROYED;

    /** No engine process behind it any more, and none coming. */
    public boolean isFinal() {
        return this == SHUTDOWN || this == CRASHED || this == DESTROYED;
    }

    /**
     * Whether {@code xl list} would show it: every domain that exists, a preserved (shut down, crashed) one
     * included; a destroyed domain is gone ({@code list --all} still shows it, and {@code create} brings it back).
     */
    public boolean isListed() {
        return this != DESTROYED;
    }
}
