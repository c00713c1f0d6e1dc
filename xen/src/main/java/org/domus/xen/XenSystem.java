package org.domus.xen;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.domus.xen.internal.EventChannels;
import org.domus.xen.internal.Peers;
import org.domus.xen.internal.XenError;

/**
 * Xen for a whole system: every domain's Xen state by domid, so that event channels cross domains
 * (bind_interdomain, send) and static channels are bound at build, as Xen binds {@code xen,evtchn-v1} pairs.
 */
public final class XenSystem {
    private final ConcurrentHashMap<Integer, XenDomain> domains = new ConcurrentHashMap<>();
    /**
     * Held while static channels are bound, and while a domain's ports are closed and its static ones bound again
     * for a new guest: two domains of one channel rebuilt at once (a system's guests are built in parallel) must
     * not both see the other's end closed and both leave theirs unbound. Taken before a domain's own locks.
     */
    private final Object staticChannels = new Object();
    private final Peers peers = domid -> {
        XenDomain d = domains.get(domid);
        return d == null ? null : d.events();
    };

    /** A system with no domains yet. */
    public XenSystem() {
    }

    /**
     * A new domain's Xen state. {@code onShutdown} hears SCHEDOP_shutdown, on the calling vCPU's thread: hand
     * the work (destroying, restarting) to another thread.
     */
    public XenDomain create(XenDomainConfig config, Consumer<ShutdownReason> onShutdown) {
        XenDomain d = new XenDomain(this, config, onShutdown);
        if (domains.putIfAbsent(config.domid(), d) != null) {
            throw new IllegalArgumentException("d" + config.domid() + " already has Xen state");
        }
        return d;
    }

    public Optional<XenDomain> domain(int domid) {
        return Optional.ofNullable(domains.get(domid));
    }

    /** The domain is gone: its ports close (the other ends become unbound) and its console stream ends. */
    public void destroy(int domid) {
        XenDomain d = domains.get(domid);
        if (d != null) {
            synchronized (staticChannels) {
                d.destroyed();
            }
            domains.remove(domid, d);
        }
    }

    /**
     * Joins port {@code portA} of domain {@code domA} and port {@code portB} of {@code domB} (a
     * {@code xen,evtchn-v1} pair), as Xen does: A's port allocated unbound for B, then B binds to it. Call
     * before each domain's {@link XenDomain#finishBuild}, so dynamic ports are allocated around them.
     *
     * @throws IllegalArgumentException naming both ends and what is wrong
     */
    public void bindStatic(int domA, int portA, int domB, int portB) {
        synchronized (staticChannels) {
            bindStaticLocked(domA, portA, domB, portB);
        }
    }

    private void bindStaticLocked(int domA, int portA, int domB, int portB) {
        String what = "static event channel d" + domA + " port " + portA + " <-> d" + domB + " port " + portB;
        XenDomain a = domains.get(domA);
        XenDomain b = domains.get(domB);
        if (a == null || b == null) {
            throw new IllegalArgumentException(what + ": no Xen domain d" + (a == null ? domA : domB));
        }
        if (portA <= 0 || portB <= 0 || portA > a.events().maxPort() || portB > b.events().maxPort()) {
            throw new IllegalArgumentException(what + ": ports are 1.." + a.events().maxPort());
        }
        if (domA == domB && portA == portB) {
            throw new IllegalArgumentException(what + ": a port cannot be bound to itself");
        }
        try {
            a.events().allocUnbound(portA, domB);
        } catch (XenError e) {
            throw new IllegalArgumentException(what + ": port " + portA + " of d" + domA + " is already in use");
        }
        try {
            b.events().bindInterdomain(portB, domA, portA);
        } catch (XenError e) {
            a.events().close(portA);
            throw new IllegalArgumentException(what + ": port " + portB + " of d" + domB + " is already in use");
        }
        a.addStatic(portA, domB, portB);
        b.addStatic(portB, domA, portA);
    }

    Object staticChannels() {
        return staticChannels;
    }

    Peers peers() {
        return peers;
    }

    boolean exists(int domid) {
        return domains.containsKey(domid);
    }
}
