package org.domus.xen.internal;

/** What one event-channel port is bound to (Xen's ECS_* states, plus ports whose other end is Domus itself). */
public sealed interface Binding {
    /** Port 0: never allocated, as in Xen. */
    record Reserved() implements Binding {
    }

    /** Allocated, waiting for {@code remoteDomid} to bind to it. */
    record Unbound(int remoteDomid) implements Binding {
    }

    record Interdomain(int remoteDomid, int remotePort) implements Binding {
    }

    record Virq(int virq) implements Binding {
    }

    record Ipi() implements Binding {
    }

    /**
     * The other end is a backend in Domus (the console, xenstored): the guest sees an interdomain channel to
     * domain 0, as under Xen, and its notifications run {@code endpoint}.
     */
    record Host(Runnable endpoint) implements Binding {
    }
}
