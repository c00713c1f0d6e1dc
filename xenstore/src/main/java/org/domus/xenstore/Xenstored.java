package org.domus.xenstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The protocol engine: answers each request of each connection against the store, fires watches, keeps the
 * introduced domains and enforces quotas. It knows nothing of sockets or rings ({@link Transport}). One lock
 * serialises every request, as C xenstored's single loop does: the store is small and each request is short.
 */
final class Xenstored {
    private static final System.Logger LOG = System.getLogger("org.domus.xenstore");
    private static final byte[] OK = {'O', 'K', 0};

    private final ReentrantLock lock = new ReentrantLock();
    private final Store store = new Store();
    private final Set<Connection> connections = new LinkedHashSet<>();
    private final Map<Integer, DomainRecord> domains = new HashMap<>();
    private final Map<String, Perms> specialPerms = new HashMap<>();
    private final List<DomainListener> listeners = new ArrayList<>();
    private Quotas quotas;
    private TreeOps ops;
    private int nextTransactionId = 1;

    Xenstored(Quotas quotas) {
        setQuotas(quotas);
        specialPerms.put(Paths.INTRODUCE_DOMAIN, Perms.DOM0_ONLY);
        specialPerms.put(Paths.RELEASE_DOMAIN, Perms.DOM0_ONLY);
        // The skeleton every Xen host has, so that `xenstore-ls /local/domain` works before any domain exists.
        locked(() -> {
            ops.mkdir(store, Caller.DOM0, "/local/domain", c -> { });
            return null;
        });
    }

    private void setQuotas(Quotas q) {
        quotas = q;
        ops = new TreeOps(q);
    }

    Quotas quotas() {
        return quotas;
    }

    void addListener(DomainListener l) {
        locked(() -> listeners.add(l));
    }

    /** Runs {@code action} under the daemon's lock (every touch of the store goes through here). */
    <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    Connection connect(Transport t) {
        Connection c = new Connection(this, t);
        locked(() -> connections.add(c));
        return c;
    }

    boolean receive(Connection c, MessageReader reader, ByteBuffer bytes) {
        lock.lock();
        try {
            if (!c.open) {
                return false;
            }
            boolean ok = reader.feed(bytes, m -> {
                if (c.open) {
                    handle(c, m);
                }
            });
            if (!ok) {
                // A protocol violation ends the connection, as in C xenstored; not worth more than a debug line,
                // or a misbehaving guest could fill the host's log.
                LOG.log(System.Logger.Level.DEBUG, "xenstored: dropping " + c + ": payload over "
                    + XsMessage.PAYLOAD_MAX + " bytes");
                drop(c);
                c.transport.close();
            }
            return c.open;
        } finally {
            lock.unlock();
        }
    }

    void disconnect(Connection c) {
        locked(() -> {
            drop(c);
            return null;
        });
    }

    // ---- requests --------------------------------------------------------------------------------------------

    /** Answers one request; a refusal becomes an ERROR reply, anything else unexpected too (EIO), never a crash. */
    void handle(Connection c, XsMessage m) {
        List<Change> fired = new ArrayList<>();
        byte[] reply;
        XsType type = m.knownType();
        try {
            if (type == null) {
                throw new XsErrorException(XsError.ENOSYS, "unknown message type " + m.type());
            }
            reply = answer(c, type, m, fired::add);
        } catch (XsErrorException e) {
            sendError(c, m, e.error());
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "xenstored: " + m + " from " + c + " failed", e);
            sendError(c, m, XsError.EIO);
            return;
        }
        send(c, XsMessage.of(type, m.reqId(), m.txId(), reply));
        for (Change ch : fired) {
            fire(ch);
        }
        if (type == XsType.WATCH && c.open) {
            Watch w = c.watches.getLast();
            sendEvent(w, w.given());
        }
    }

    private byte[] answer(Connection c, XsType type, XsMessage m, Consumer<Change> fired) {
        Caller caller = callerOf(c);
        return switch (type) {
            case READ -> ops.read(view(c, m), caller, path(c, single(m)));
            case DIRECTORY -> {
                byte[] out = XsMessage.joinStrings(ops.directory(view(c, m), caller, path(c, single(m))));
                if (out.length > XsMessage.PAYLOAD_MAX) {
                    throw new XsErrorException(XsError.E2BIG, "child list longer than one payload");
                }
                yield out;
            }
            case DIRECTORY_PART -> {
                List<String> a = strings(m, 2, 2);
                yield ops.directoryPart(view(c, m), caller, path(c, a.get(0)), offset(a.get(1)));
            }
            case GET_PERMS -> {
                String raw = single(m);
                Perms p = Paths.isSpecial(raw) ? special(raw) : ops.getPerms(view(c, m), caller, path(c, raw));
                byte[] out = XsMessage.joinStrings(p.wire());
                if (out.length > XsMessage.PAYLOAD_MAX) {
                    throw new XsErrorException(XsError.E2BIG, "permissions longer than one payload");
                }
                yield out;
            }
            case WRITE -> {
                int nul = indexOfNul(m.payload());
                if (nul < 0) {
                    throw new XsErrorException(XsError.EINVAL, "WRITE without a NUL after the path");
                }
                String raw = new String(m.payload(), 0, nul, StandardCharsets.ISO_8859_1);
                byte[] value = java.util.Arrays.copyOfRange(m.payload(), nul + 1, m.payload().length);
                TreeView v = view(c, m);
                ops.write(v, caller, path(c, raw), value, sink(v, fired));
                yield OK;
            }
            case MKDIR -> {
                TreeView v = view(c, m);
                ops.mkdir(v, caller, path(c, single(m)), sink(v, fired));
                yield OK;
            }
            case RM -> {
                TreeView v = view(c, m);
                ops.rm(v, caller, path(c, single(m)), sink(v, fired));
                yield OK;
            }
            case SET_PERMS -> {
                List<String> a = strings(m, 2, Integer.MAX_VALUE);
                Perms p = Perms.parse(a.subList(1, a.size()));
                if (Paths.isSpecial(a.getFirst())) {
                    special(a.getFirst());
                    requirePrivileged(c, "set the permissions of " + a.getFirst());
                    specialPerms.put(a.getFirst(), p);
                } else {
                    TreeView v = view(c, m);
                    ops.setPerms(v, caller, path(c, a.getFirst()), p, sink(v, fired));
                }
                yield OK;
            }
            case WATCH -> {
                watch(c, strings(m, 2, 3));
                yield OK;
            }
            case UNWATCH -> {
                unwatch(c, strings(m, 2, 3));
                yield OK;
            }
            case TRANSACTION_START -> {
                if (m.txId() != 0) {
                    view(c, m);   // ENOENT for an unknown id, like any request
                    throw new XsErrorException(XsError.EBUSY, "transactions do not nest");
                }
                yield startTransaction(c);
            }
            case TRANSACTION_END -> {
                endTransaction(c, m, single(m), fired);
                yield OK;
            }
            case INTRODUCE -> {
                requirePrivileged(c, "introduce domains");
                List<String> a = strings(m, 3, 4);
                introduce(realDomid(a.get(0)), parseLong(a.get(1)), (int) parseLong(a.get(2)));
                yield OK;
            }
            case RELEASE -> {
                requirePrivileged(c, "release domains");
                release(introducedDomid(single(m)));
                yield OK;
            }
            case RESUME -> {
                requirePrivileged(c, "resume domains");
                domains.get(introducedDomid(single(m))).shutdownReported = false;
                yield OK;
            }
            case SET_TARGET -> {
                requirePrivileged(c, "set targets");
                List<String> a = strings(m, 2, 2);
                int domid = introducedDomid(a.get(0));
                domains.get(domid).target = DomainIds.parse(a.get(1));
                yield OK;
            }
            case GET_DOMAIN_PATH -> text(Paths.home(DomainIds.parse(single(m))));
            case IS_DOMAIN_INTRODUCED -> {
                int domid = DomainIds.parse(single(m));
                boolean known = domid == 0 || domid == DomainIds.DOMID_SELF || domains.containsKey(domid);
                yield text(known ? "T" : "F");
            }
            case RESET_WATCHES -> {
                c.watches.clear();
                c.transactions.clear();
                yield OK;
            }
            case CONTROL -> {
                requirePrivileged(c, "send control commands");
                yield control(strings(m, 1, Integer.MAX_VALUE));
            }
            case GET_QUOTA -> {
                requirePrivileged(c, "read quotas");
                yield text(getQuota(m.payloadStrings()));
            }
            case SET_QUOTA -> {
                requirePrivileged(c, "set quotas");
                setQuota(strings(m, 2, 3));
                yield OK;
            }
            case GET_FEATURE, SET_FEATURE ->
                throw new XsErrorException(XsError.ENOSYS, type + " is optional and not supported");
            case WATCH_EVENT, ERROR -> throw new XsErrorException(XsError.EINVAL, type + " is sent by xenstored only");
        };
    }

    private Caller callerOf(Connection c) {
        DomainRecord d = domains.get(c.domid());
        return new Caller(c.domid(), d == null ? -1 : d.target);
    }

    /** The tree this request works on: the store, or the transaction its header names (ENOENT if none). */
    private TreeView view(Connection c, XsMessage m) {
        if (m.txId() == 0) {
            return store;
        }
        Transaction t = c.transactions.get(m.txId());
        if (t == null) {
            throw new XsErrorException(XsError.ENOENT, "no transaction " + Integer.toUnsignedString(m.txId()));
        }
        return t;
    }

    /** Where a change goes: straight to the watches, or held in its transaction until commit. */
    private static Consumer<Change> sink(TreeView v, Consumer<Change> fired) {
        return v instanceof Transaction t ? t::record : fired;
    }

    private static String path(Connection c, String raw) {
        return Paths.resolve(raw, c.domid());
    }

    private Perms special(String raw) {
        Perms p = specialPerms.get(raw);
        if (p == null) {
            throw new XsErrorException(XsError.EINVAL, "no special path " + raw);
        }
        return p;
    }

    private static void requirePrivileged(Connection c, String what) {
        if (c.domid() != 0) {
            throw new XsErrorException(XsError.EACCES, "domain " + c.domid() + " may not " + what);
        }
    }

    // ---- transactions ----------------------------------------------------------------------------------------

    private byte[] startTransaction(Connection c) {
        if (Quotas.exceeds(c.transactions.size() + 1L, quotas.transactionsPerConnection())) {
            throw new XsErrorException(XsError.ENOSPC, "more than " + quotas.transactionsPerConnection()
                + " open transactions");
        }
        int id;
        do {
            id = nextTransactionId++;
        } while (id == 0 || c.transactions.containsKey(id));
        // The host's transactions are not limited (init-dom0less writes a whole domain in one).
        int limit = c.domid() == 0 ? 0 : quotas.nodesPerTransaction();
        c.transactions.put(id, new Transaction(id, store, limit));
        return text(Integer.toUnsignedString(id));
    }

    private void endTransaction(Connection c, XsMessage m, String how, Consumer<Change> fired) {
        if (m.txId() == 0) {
            throw new XsErrorException(XsError.ENOENT, "TRANSACTION_END outside a transaction");
        }
        if (!how.equals("T") && !how.equals("F")) {
            throw new XsErrorException(XsError.EINVAL, "TRANSACTION_END takes T or F, not '" + how + "'");
        }
        Transaction t = c.transactions.remove(m.txId());
        if (t == null) {
            throw new XsErrorException(XsError.ENOENT, "no transaction " + Integer.toUnsignedString(m.txId()));
        }
        if (how.equals("T")) {
            t.commit().forEach(fired);
        }
    }

    // ---- watches ---------------------------------------------------------------------------------------------

    private void watch(Connection c, List<String> a) {
        String given = a.get(0);
        String token = a.get(1);
        int depth = a.size() > 2 && !a.get(2).isEmpty() ? depth(a.get(2)) : -1;
        String abs = Paths.isSpecial(given) ? given : path(c, given);
        for (Watch w : c.watches) {
            if (w.path().equals(abs) && w.token().equals(token)) {
                throw new XsErrorException(XsError.EEXIST, "already watching " + given + " with that token");
            }
        }
        if (Quotas.exceeds(c.watches.size() + 1L, quotas.watchesPerConnection())) {
            throw new XsErrorException(XsError.ENOSPC, "more than " + quotas.watchesPerConnection() + " watches");
        }
        c.watches.add(new Watch(c, given, abs, token, depth));
    }

    private void unwatch(Connection c, List<String> a) {
        String given = a.get(0);
        String abs = Paths.isSpecial(given) ? given : path(c, given);
        boolean removed = c.watches.removeIf(w -> w.path().equals(abs) && w.token().equals(a.get(1)));
        if (!removed) {
            throw new XsErrorException(XsError.ENOENT, "no watch on " + given + " with that token");
        }
    }

    /** Tells every watch that matches {@code ch}, if its connection may read the node. */
    private void fire(Change ch) {
        for (Connection c : List.copyOf(connections)) {
            if (!c.open || c.watches.isEmpty()) {
                continue;
            }
            Caller caller = callerOf(c);
            if (!caller.canRead(ch.perms())) {
                continue;
            }
            for (Watch w : List.copyOf(c.watches)) {
                if (!w.special()) {
                    String reported = w.match(ch.path(), ch.removal());
                    if (reported != null) {
                        sendEvent(w, reported);
                    }
                }
            }
        }
    }

    /** @introduceDomain or @releaseDomain for {@code domid}: plain, with /domid for depth 1, or to a per-domain watch. */
    private void fireSpecial(String special, int domid) {
        Perms perms = specialPerms.get(special);
        String perDomain = special + "/" + domid;
        for (Connection c : List.copyOf(connections)) {
            if (!c.open || c.watches.isEmpty() || !callerOf(c).canRead(perms)) {
                continue;
            }
            for (Watch w : List.copyOf(c.watches)) {
                if (w.path().equals(special)) {
                    sendEvent(w, w.depth() == 1 ? perDomain : special);
                } else if (w.path().equals(perDomain)) {
                    sendEvent(w, perDomain);
                }
            }
        }
    }

    private void sendEvent(Watch w, String path) {
        send(w.owner(), XsMessage.strings(XsType.WATCH_EVENT, 0, 0, path, w.token()));
    }

    // ---- domains ---------------------------------------------------------------------------------------------

    /** Introduces {@code domid} (again: no new event, the ring details updated). */
    void introduce(int domid, long gfn, int eventChannel) {
        DomainRecord d = domains.get(domid);
        if (d != null) {
            d.gfn = gfn;
            d.eventChannel = eventChannel;
            return;
        }
        domains.put(domid, new DomainRecord(domid, gfn, eventChannel));
        for (DomainListener l : listeners) {
            l.introduced(domid, gfn, eventChannel);
        }
        fireSpecial(Paths.INTRODUCE_DOMAIN, domid);
    }

    /**
     * Releases {@code domid}: its connections close, what it owned passes to dom0 and its permission entries go
     * (a later domain with the same id must not inherit them), and @releaseDomain fires. False if not introduced.
     */
    boolean release(int domid) {
        if (domains.remove(domid) == null) {
            return false;
        }
        for (Connection c : List.copyOf(connections)) {
            if (c.domid() == domid) {
                LOG.log(System.Logger.Level.DEBUG, "xenstored: closing " + c + ": domain released");
                drop(c);
                c.transport.close();
            }
        }
        List<String> touched = new ArrayList<>();
        store.forEach((path, node) -> {
            if (node.perms().mentions(domid)) {
                touched.add(path);
            }
        });
        for (String p : touched) {
            Node n = store.get(p);
            store.put(p, n.withPerms(n.perms().without(domid)));
        }
        specialPerms.replaceAll((k, p) -> p.mentions(domid) ? p.without(domid) : p);
        for (DomainListener l : listeners) {
            l.released(domid);
        }
        fireSpecial(Paths.RELEASE_DOMAIN, domid);
        return true;
    }

    /** The domain shut down (still introduced): @releaseDomain fires once, until RESUME re-arms it. */
    void shutdown(int domid) {
        DomainRecord d = domains.get(domid);
        if (d != null && !d.shutdownReported) {
            d.shutdownReported = true;
            fireSpecial(Paths.RELEASE_DOMAIN, domid);
        }
    }

    boolean isIntroduced(int domid) {
        return domains.containsKey(domid);
    }

    private int realDomid(String s) {
        int domid = DomainIds.parse(s);
        if (domid == 0 || domid >= DomainIds.DOMID_SELF) {
            throw new XsErrorException(XsError.EINVAL, "domain id " + domid + " is not a real domU id");
        }
        return domid;
    }

    private int introducedDomid(String s) {
        int domid = DomainIds.parse(s);
        if (domid == 0) {
            throw new XsErrorException(XsError.EINVAL, "domain 0 cannot be released, resumed or targeted");
        }
        if (!domains.containsKey(domid)) {
            throw new XsErrorException(XsError.ENOENT, "domain " + domid + " is not introduced");
        }
        return domid;
    }

    // ---- control and quotas ----------------------------------------------------------------------------------

    private static final List<String> CONTROL_COMMANDS = List.of("check", "help", "print", "quota", "log");

    private byte[] control(List<String> a) {
        return switch (a.getFirst()) {
            case "check" -> {
                String problem = check();
                if (problem != null) {
                    throw new XsErrorException(XsError.EIO, problem);
                }
                yield OK;
            }
            case "help" -> text(String.join("\n", CONTROL_COMMANDS) + "\n");
            case "print" -> {
                LOG.log(System.Logger.Level.INFO, "xenstored: " + String.join(" ", a.subList(1, a.size())));
                yield OK;
            }
            case "quota" -> text(quotaReport());
            case "log" -> OK;  // nothing to switch: Domus logs through System.Logger
            default -> throw new XsErrorException(XsError.EINVAL, "unknown control command '" + a.getFirst() + "'");
        };
    }

    /** The tree's invariants, for CONTROL check and the fuzz tests: null when they hold, else the first broken one. */
    String check() {
        String[] problem = {null};
        store.forEach((path, node) -> {
            if (problem[0] != null) {
                return;
            }
            if (!path.equals("/")) {
                Node parent = store.get(Paths.parent(path));
                if (parent == null || !parent.children().contains(Paths.leaf(path))) {
                    problem[0] = path + " is not listed by its parent";
                    return;
                }
            }
            if (node.children().size() != new LinkedHashSet<>(node.children()).size()) {
                problem[0] = path + " lists a child twice";
                return;
            }
            for (String child : node.children()) {
                if (store.get(Paths.child(path, child)) == null) {
                    problem[0] = path + " lists " + child + ", which does not exist";
                    return;
                }
            }
        });
        if (problem[0] == null && store.get("/") == null) {
            problem[0] = "the root is gone";
        }
        return problem[0];
    }

    private String quotaReport() {
        StringBuilder b = new StringBuilder();
        for (String name : Quotas.NAMES) {
            b.append(String.format("%-18s %d%n", name, quotas.value(name)));
        }
        return b.toString();
    }

    /** GET_QUOTA [[domid|]name|]: every domain has the global values (no per-domain quotas here). */
    private String getQuota(List<String> a) {
        return switch (a.size()) {
            case 0 -> String.join(" ", Quotas.NAMES);
            case 1 -> Long.toString(quotas.value(a.get(0)));
            case 2 -> {
                DomainIds.parse(a.get(0));
                yield Long.toString(quotas.value(a.get(1)));
            }
            default -> throw new XsErrorException(XsError.EINVAL, "GET_QUOTA takes at most a domid and a name");
        };
    }

    private void setQuota(List<String> a) {
        if (a.size() == 3) {
            throw new XsErrorException(XsError.EINVAL, "per-domain quotas are not supported, only global ones");
        }
        setQuotas(quotas.with(a.get(0), parseLong(a.get(1))));
    }

    // ---- output ----------------------------------------------------------------------------------------------

    private void sendError(Connection c, XsMessage m, XsError e) {
        send(c, XsMessage.of(XsType.ERROR, m.reqId(), m.txId(), text(e.name())));
    }

    /** Queues a message; a connection whose unread output passes the quota is cut off, the others go on. */
    private void send(Connection c, XsMessage m) {
        if (!c.open) {
            return;
        }
        c.transport.send(m.encode());
        long pending = c.transport.pendingOutputBytes();
        if (Quotas.exceeds(pending, quotas.pendingOutputBytes())) {
            cutOff(c, pending + " bytes of output unread (quota " + quotas.pendingOutputBytes() + ")");
        }
    }

    private void cutOff(Connection c, String why) {
        if (c.open) {
            LOG.log(System.Logger.Level.WARNING, "xenstored: cutting off " + c + ": " + why);
        }
        drop(c);
        c.transport.close();
    }

    private void drop(Connection c) {
        c.open = false;
        c.watches.clear();
        c.transactions.clear();
        connections.remove(c);
    }

    void closeAll() {
        locked(() -> {
            for (Connection c : List.copyOf(connections)) {
                drop(c);
                c.transport.close();
            }
            return null;
        });
    }

    // ---- direct use by the hypervisor (as dom0) --------------------------------------------------------------

    /** Runs {@code work} on a transaction as dom0, commits it and fires its watches, all under the lock. */
    <T> T inTransaction(Function<TreeContext, T> work) {
        return locked(() -> {
            Transaction t = new Transaction(0, store, 0);
            T result = work.apply(new TreeContext(t, ops));
            for (Change ch : t.commit()) {
                fire(ch);
            }
            return result;
        });
    }

    /** A transaction and the operations on it, for {@link #inTransaction}. */
    record TreeContext(Transaction tx, TreeOps ops) {
        void write(String path, String value) {
            ops.write(tx, Caller.DOM0, path, value.getBytes(StandardCharsets.UTF_8), tx::record);
        }

        void setPerms(String path, Perms p) {
            ops.setPerms(tx, Caller.DOM0, path, p, tx::record);
        }

        void rm(String path) {
            if (tx.get(path) != null) {
                ops.rm(tx, Caller.DOM0, path, tx::record);
            }
        }

        byte[] read(String path) {
            Node n = tx.get(path);
            return n == null ? null : n.value();
        }
    }

    // ---- payload parsing -------------------------------------------------------------------------------------

    /** The payload's one NUL-terminated argument (EINVAL otherwise, as C xenstored's onearg). */
    private static String single(XsMessage m) {
        byte[] p = m.payload();
        int nul = indexOfNul(p);
        if (nul < 0 || nul != p.length - 1) {
            throw new XsErrorException(XsError.EINVAL, "want one NUL-terminated argument");
        }
        return new String(p, 0, nul, StandardCharsets.ISO_8859_1);
    }

    private static List<String> strings(XsMessage m, int min, int max) {
        List<String> a = m.payloadStrings();
        if (a.size() < min || a.size() > max) {
            throw new XsErrorException(XsError.EINVAL, "want " + min + (max == min ? "" : " or more")
                + " NUL-terminated arguments, got " + a.size());
        }
        return a;
    }

    private static int indexOfNul(byte[] p) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] text(String s) {
        return (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new XsErrorException(XsError.EINVAL, "not a number: '" + s + "'");
        }
    }

    private static int offset(String s) {
        long v = parseLong(s);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new XsErrorException(XsError.EINVAL, "bad offset " + s);
        }
        return (int) v;
    }

    private static int depth(String s) {
        long v = parseLong(s);
        if (v < 0 || v > Paths.ABS_MAX) {
            throw new XsErrorException(XsError.EINVAL, "bad watch depth " + s);
        }
        return (int) v;
    }
}
