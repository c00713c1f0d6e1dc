package org.domus.xen.internal;

/** One port as EVTCHNOP_status reports it (EVTCHNSTAT_* in {@code state}). */
public record PortStatus(int state, int vcpu, int remoteDomid, int remotePort, int virq) {
    public static final int CLOSED = 0;
    public static final int UNBOUND = 1;
    public static final int INTERDOMAIN = 2;
    public static final int VIRQ = 4;
    public static final int IPI = 5;
}
