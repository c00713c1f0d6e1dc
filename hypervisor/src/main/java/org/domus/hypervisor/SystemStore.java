package org.domus.hypervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.domus.dom0less.Enhanced;
import org.domus.xen.XenDomain;
import org.domus.xenstore.DomainEntries;
import org.domus.xenstore.XenstoreServer;

/**
 * The xenstored of one running system, kept in step with its domains' lives: a domain's entries are written when
 * it is built, it is introduced (@introduceDomain) when it starts, released (@releaseDomain, entries removed) when
 * it ends or before it is rebuilt, and written and introduced again after. Host tools reach it on a socket next
 * to the control socket; on an engine without Xen's guest ABI nothing else does.
 * <p>
 * init-dom0less is the handshake of a {@code xen,enhanced} domain: its store page is allocated
 * ({@code STORE_PFN} from ~0 to the page's frame), its entries are written with {@code store/port} and
 * {@code store/ring-ref}, and xenstored learns the ring. Each step is done at most once per guest and under the
 * domain's {@link StoreChannel}, so running it twice, or while the domain restarts, changes nothing more.
 * <p>
 * A store that refuses a write (a quota, say) is reported as a Domus event; the domain runs on regardless.
 */
public final class SystemStore implements AutoCloseable {
    private static final String DOM0_HOME = "/local/domain/0";

    private final XenstoreServer server;
    private volatile ConsoleMux mux;
    private volatile boolean initAtStart;

    private SystemStore(XenstoreServer server) {
        this.server = server;
    }

    /**
     * Starts xenstored on {@code socket}. A socket file nobody answers on (left by a Domus killed with SIGKILL) is
     * replaced; one that answers is refused.
     */
    public static SystemStore start(Path socket) throws IOException {
        return new SystemStore(XenstoreServer.start(socket));
    }

    /** The host socket: {@code XENSTORED_PATH} for Debian's xenstore-* tools. */
    public Path socket() {
        return server.socket();
    }

    /** The command that lists the store with Debian's tools. */
    public String usage() {
        return "XENSTORED_PATH=" + socket() + " xenstore-ls /local/domain";
    }

    /** {@code boot --init-dom0less}: every enhanced domain gets its handshake as soon as it starts. */
    public void initDom0lessAtStart() {
        initAtStart = true;
    }

    void reportTo(ConsoleMux events) {
        this.mux = events;
    }

    /** The name the store gives domain {@code id}, if it has one (a host tool may have renamed it). */
    Optional<String> name(int id) {
        return server.read("/local/domain/" + id + "/name").filter(n -> !n.isEmpty());
    }

    /** A new guest of {@code d} is built: its entries, with the store ring if the guest already has its page. */
    void built(Domain d) {
        StoreChannel c = d.storeChannel();
        synchronized (c) {
            c.newGuest();
            guarded(d, "cannot write its store entries", () -> writeEntries(d));
        }
    }

    /** {@code d} runs: introduced to xenstored (the ring's details once it has its page), then its handshake if asked. */
    void started(Domain d) {
        if (d.id() == 0) {
            return; // dom0 is xenstored's own domain: never introduced or released
        }
        StoreChannel c = d.storeChannel();
        synchronized (c) {
            guarded(d, "cannot introduce it to xenstored", () -> introduce(d));
            if (c.hasPage()) {
                connectRing(d); // a new guest of a domain init-dom0less already ran for: its ring at once
            }
        }
        if (initAtStart && c.hasStore()) {
            StoreInit done = handshake(d);
            d.event("init-dom0less: " + done.outcome());
        }
    }

    /** {@code d}'s guest is going and a new one will be built: released (@releaseDomain), entries removed. */
    void restarting(Domain d) {
        release(d);
    }

    /**
     * {@code d} has ended. Destroyed or powered off: released and its entries removed. Preserved (its policy):
     * only @releaseDomain, its entries stay for inspection, as a preserved Xen domain stays listed.
     */
    void ended(Domain d, boolean preserved) {
        if (d.id() == 0) {
            return;
        }
        if (preserved) {
            guarded(d, "cannot report its shutdown to xenstored", () -> server.domainShutDown(d.id()));
            return;
        }
        release(d);
    }

    /**
     * Asks {@code d}'s guest to {@code poweroff} or {@code reboot} through {@code control/shutdown}, as xl does: only
     * a guest that sees Xen and talks on its store ring (its xenbus is up and watches the node). False when it
     * cannot be asked this way (the power button is then the way).
     */
    boolean askGuest(Domain d, String action) {
        XenDomain xen = d.xen();
        if (xen == null || !xen.storeTalking()) {
            return false;
        }
        return guarded(d, "cannot write control/shutdown",
                () -> server.write("/local/domain/" + d.id() + "/control/shutdown", action));
    }

    /**
     * Writes {@code value} at {@code relative} under {@code d}'s home ({@code control/sysrq}, {@code memory/target},
     * {@code cpu/N/availability}), where its guest's kernel watches, as xl writes them. The caller checked that the
     * guest talks on its ring.
     */
    void writeHome(Domain d, String relative, String value) throws ControlException {
        write(d, "/local/domain/" + d.id() + "/" + relative, value);
    }

    /** Writes {@code value} at {@code path}, for {@code d}; a refusal is the command's error. */
    void write(Domain d, String path, String value) throws ControlException {
        try {
            server.write(path, value);
        } catch (RuntimeException e) {
            throw new ControlException("%s: xenstore refused to write %s: %s".formatted(d, path, e.getMessage()), e);
        }
    }

    /** init-dom0less on every domU of {@code domains}, in order. */
    public StoreInitReport initDom0less(List<Domain> domains) {
        List<StoreInit> out = new ArrayList<>();
        for (Domain d : domains) {
            if (d.id() != 0) {
                out.add(handshake(d));
            }
        }
        return new StoreInitReport(out, guestView(domains).orElse(""));
    }

    /**
     * One line on what the guests of enhanced domains see when their engine has no Xen guest ABI (the qemu
     * engine): the store's side exists on the host only.
     */
    public static Optional<String> guestView(List<Domain> domains) {
        List<String> hostOnly = new ArrayList<>();
        String engine = "";
        for (Domain d : domains) {
            if (d.id() != 0 && d.storeChannel().enhanced() != Enhanced.NONE && d.xen() == null) {
                hostOnly.add(d.toString());
                engine = d.engine().name();
            }
        }
        return hostOnly.isEmpty() ? Optional.empty() : Optional.of(guestViewLine(String.join(", ", hostOnly), engine));
    }

    /** The same line for a plan, whose domains are not built yet (their engine: {@code engine}). */
    public static String guestViewLine(String domains, String engine) {
        return ("xenstore: %s on the %s engine: the store keeps their entries and names on the host side "
                + "(domus list, xenstore-ls), but the %s engine gives guests no Xen ABI, so they see no /hypervisor node "
                + "and cannot reach the store").formatted(domains, engine, engine);
    }

    private StoreInit handshake(Domain d) {
        StoreChannel c = d.storeChannel();
        if (!c.hasStore()) {
            return result(d, c.enhanced() == Enhanced.NO_XENSTORE
                    ? "xen,enhanced = \"no-xenstore\": PV interfaces without a store, nothing to do"
                    : "not xen,enhanced: no store, nothing to do");
        }
        DomainState state = d.state();
        if (state.isFinal()) {
            return result(d, "has ended (%s): nothing to do".formatted(state.name().toLowerCase(Locale.ROOT)));
        }
        synchronized (c) {
            if (!c.givePage()) {
                guarded(d, "cannot introduce it to xenstored", () -> introduce(d));
                return result(d, "already initialised (%s)".formatted(c.describe()));
            }
            XenDomain xen = d.xen();
            if (xen != null) {
                // STORE_PFN from ~0 to the page, in the guest's own HVM params: what it re-reads on the event
                guarded(d, "cannot give it its store page", xen::provideStorePage);
            }
            if (d.state() == DomainState.RESTARTING) {
                // its new guest is built with the page (StoreChannel.newGuest) and introduced when it starts
                return result(d, "restarting: its new guest gets the store page (STORE_PFN 0x%x) when built".formatted(c.pfn()));
            }
            boolean ok = guarded(d, "cannot write its store entries",
                    () -> server.writeStoreRing(d.id(), new DomainEntries.StoreRing(c.eventChannel(), c.pfn())))
                    && guarded(d, "cannot introduce it to xenstored", () -> introduce(d));
            if (ok && xen != null) {
                ok = connectRing(d);
                return result(d, ok ? "initialised: %s, store/port and store/ring-ref written, its ring connected to xenstored and the guest notified"
                        .formatted(c.describe()) : "failed: see domus dmesg");
            }
            return result(d, ok ? "initialised: %s, store/port and store/ring-ref written, ring introduced to xenstored"
                    .formatted(c.describe()) : "failed: see domus dmesg");
        }
    }

    private static StoreInit result(Domain d, String outcome) {
        return new StoreInit(d.id(), d.name(), outcome);
    }

    private void writeEntries(Domain d) {
        String name = d.name();
        if (d.id() == 0) {
            // what Xen's xen-init-dom0 writes for dom0
            server.write(DOM0_HOME + "/name", name);
            server.write(DOM0_HOME + "/domid", "0");
            return;
        }
        StoreChannel c = d.storeChannel();
        Optional<DomainEntries.StoreRing> ring = c.hasPage()
                ? Optional.of(new DomainEntries.StoreRing(c.eventChannel(), c.pfn())) : Optional.empty();
        long kib = d.spec().memoryBytes() / 1024;
        Instant built = d.builtAt();
        server.writeDomainEntries(new DomainEntries(d.id(), name, d.uuid(), kib, kib, d.spec().vcpus(), ring, Map.of(), built));
    }

    /**
     * The guest's store ring, for a domain whose guest sees Xen's ABI, served by xenstored as domain N. Under the
     * domain's {@link StoreChannel}. False (and an event) when it cannot be connected.
     */
    private boolean connectRing(Domain d) {
        XenDomain xen = d.xen();
        if (xen == null) {
            return true;
        }
        boolean[] connected = new boolean[1];
        boolean ok = guarded(d, "cannot connect its store ring", () -> connected[0] = StoreLink.connect(server, d.id(), xen));
        return ok && connected[0];
    }

    /** Introduced without a ring until the guest has its page; again with the ring's details after. */
    private void introduce(Domain d) {
        StoreChannel c = d.storeChannel();
        if (c.hasPage()) {
            server.introduceDomain(d.id(), c.pfn(), c.eventChannel());
        } else {
            server.introduceDomain(d.id());
        }
    }

    private void release(Domain d) {
        if (d.id() == 0) {
            return;
        }
        synchronized (d.storeChannel()) {
            guarded(d, "cannot release it from xenstored", () -> {
                server.removeDomainEntries(d.id());
                server.releaseDomain(d.id());
            });
        }
    }

    /** Runs a store update; a refusal becomes an event, never an exception in the domain's lifecycle. */
    private boolean guarded(Domain d, String what, Runnable update) {
        try {
            update.run();
            return true;
        } catch (RuntimeException e) {
            ConsoleMux events = mux;
            if (events != null) {
                events.event("%s: xenstore: %s: %s".formatted(d, what, e.getMessage()));
            }
            return false;
        }
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() {
        server.close();
    }
}
