package org.domus.xenstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * xenstored for the hypervisor: the store, served on a Unix socket to host tools (Debian's {@code xenstore-*}
 * with {@code XENSTORED_PATH} set to it) with dom0's rights, and to any other {@link Transport} attached (the
 * shared ring, later). The hypervisor introduces and releases domains and keeps their standard entries here.
 */
public final class XenstoreServer implements AutoCloseable {

    private final Xenstored daemon;
    private final SocketServer sockets;
    private final Path socket;

    private XenstoreServer(Xenstored daemon, SocketServer sockets, Path socket) {
        this.daemon = daemon;
        this.sockets = sockets;
        this.socket = socket;
    }

    /** Starts the store and listens on {@code socket}, with the default quotas. */
    public static XenstoreServer start(Path socket) throws IOException {
        return start(socket, Quotas.DEFAULT);
    }

    public static XenstoreServer start(Path socket, Quotas quotas) throws IOException {
        Xenstored daemon = new Xenstored(quotas);
        SocketServer sockets = new SocketServer(daemon);
        try {
            sockets.listen(socket, 0);
        } catch (IOException | RuntimeException e) {
            sockets.close();
            throw e;
        }
        return new XenstoreServer(daemon, sockets, socket);
    }

    /** The host socket: point {@code XENSTORED_PATH} at it. */
    public Path socket() {
        return socket;
    }

    /** Serves another client, e.g. a domain's ring; the transport feeds the returned session. */
    public Session attach(Transport transport) {
        return daemon.connect(transport);
    }

    /** Also told when a host tool sends INTRODUCE or RELEASE. */
    public void addDomainListener(DomainListener listener) {
        daemon.addListener(listener);
    }

    /**
     * Introduces a domain (what {@code init-dom0less} asks with XS_INTRODUCE): @introduceDomain fires the first
     * time; again it only updates the ring details.
     */
    public void introduceDomain(int domid, long gfn, int eventChannel) {
        requireDomU(domid);
        daemon.locked(() -> {
            daemon.introduce(domid, gfn, eventChannel);
            return null;
        });
    }

    /** A domain without a ring (the qemu engine's guests): known to the store, reachable by the host only. */
    public void introduceDomain(int domid) {
        introduceDomain(domid, 0, 0);
    }

    /** The domain shut down or crashed but still exists: @releaseDomain fires (once, until it is introduced anew). */
    public void domainShutDown(int domid) {
        daemon.locked(() -> {
            daemon.shutdown(domid);
            return null;
        });
    }

    /** The domain is gone: its connections close, its nodes pass to dom0, @releaseDomain fires. False if unknown. */
    public boolean releaseDomain(int domid) {
        return daemon.locked(() -> daemon.release(domid));
    }

    public boolean isIntroduced(int domid) {
        return daemon.locked(() -> daemon.isIntroduced(domid));
    }

    /**
     * Writes (or rewrites, for a rebooted domain) the domain's standard entries in one transaction: the old
     * {@code /local/domain/N}, {@code /libxl/N} and the {@code /vm/<uuid>} they pointed to go first.
     */
    public void writeDomainEntries(DomainEntries e) {
        daemon.inTransaction(tx -> {
            removeEntries(tx, e.domid());
            String home = e.home();
            Perms domains = Perms.of("n" + e.domid(), "r0");
            Perms readOnly = Perms.of("n0", "r" + e.domid());
            tx.write(home, "");
            tx.setPerms(home, readOnly);
            for (DomainEntries.HomeEntry entry : e.homeEntries()) {
                String p = home + "/" + entry.path();
                tx.write(p, entry.value());
                tx.setPerms(p, entry.domainWritable() ? domains : readOnly);
            }
            write(tx, e.vmPath(), e.vmEntries());
            write(tx, "/libxl/" + e.domid(), e.libxlEntries());
            return null;
        });
    }

    /**
     * Adds {@code store/port} and {@code store/ring-ref} to a domain's entries, as init-dom0less records the ring it
     * set up; the rest of its entries (and what the guest or a tool wrote there) stay as they are.
     */
    public void writeStoreRing(int domid, DomainEntries.StoreRing ring) {
        requireDomU(domid);
        daemon.inTransaction(tx -> {
            String store = Paths.home(domid) + "/store";
            Perms readOnly = Perms.of("n0", "r" + domid);
            tx.write(store, "");
            tx.setPerms(store, readOnly);
            tx.write(store + "/port", Integer.toString(ring.eventChannel()));
            tx.setPerms(store + "/port", readOnly);
            tx.write(store + "/ring-ref", Long.toString(ring.ringRef()));
            tx.setPerms(store + "/ring-ref", readOnly);
            return null;
        });
    }

    /** Removes what {@link #writeDomainEntries} wrote (nothing if there is nothing). */
    public void removeDomainEntries(int domid) {
        requireDomU(domid);
        daemon.inTransaction(tx -> {
            removeEntries(tx, domid);
            return null;
        });
    }

    /**
     * Writes one node as dom0 (created with dom0's permissions if new): for entries outside a domU's standard
     * ones, such as dom0's own {@code name} and {@code domid}.
     */
    public void write(String path, String value) {
        String abs = Paths.resolve(path, 0);
        daemon.inTransaction(tx -> {
            tx.write(abs, value);
            return null;
        });
    }

    /** A node's value as text, if it exists (read as dom0). */
    public Optional<String> read(String path) {
        String abs = Paths.resolve(path, 0);
        return daemon.inTransaction(tx -> Optional.ofNullable(tx.read(abs))
            .map(v -> new String(v, StandardCharsets.UTF_8)));
    }

    /** {@code /local/domain/N/name}: what {@code domus list} and the console show. */
    public Optional<String> domainName(int domid) {
        return read(Paths.home(domid) + "/name");
    }

    /** Listens on another socket whose clients all act as domain {@code domid}: for tests and diagnostics. */
    void listenAsDomain(Path path, int domid) throws IOException {
        sockets.listen(path, domid);
    }

    Xenstored daemon() {
        return daemon;
    }

    @Override
    public void close() {
        daemon.closeAll();
        sockets.close();
    }

    private static void removeEntries(Xenstored.TreeContext tx, int domid) {
        String home = Paths.home(domid);
        byte[] vm = tx.read(home + "/vm");
        if (vm != null) {
            String vmPath = new String(vm, StandardCharsets.UTF_8);
            if (vmPath.startsWith("/vm/") && vmPath.indexOf('/', 4) < 0) {
                tx.rm(vmPath);
            }
        }
        tx.rm(home);
        tx.rm("/libxl/" + domid);
    }

    private static void write(Xenstored.TreeContext tx, String dir, List<Map.Entry<String, String>> entries) {
        for (Map.Entry<String, String> e : entries) {
            tx.write(dir + "/" + e.getKey(), e.getValue());
        }
    }

    private static void requireDomU(int domid) {
        if (domid <= 0 || domid >= DomainIds.DOMID_SELF) {
            throw new IllegalArgumentException("domain id " + domid + " is not a domU id");
        }
    }
}
