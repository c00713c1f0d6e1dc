package org.domus.xenstore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The tree operations with their permission and quota checks, the same inside a transaction or out of it:
 * {@code view} is the store or the transaction, {@code changes} collects what the watches must hear about.
 */
final class TreeOps {
    private final Quotas quotas;

    TreeOps(Quotas quotas) {
        this.quotas = quotas;
    }

    /** The node, if the caller may read it; ENOENT, or EACCES where even its absence is not the caller's to see. */
    Node readable(TreeView view, Caller caller, String path) {
        Node n = view.get(path);
        if (n == null) {
            throw missing(view, caller, path);
        }
        if (!caller.canRead(n.perms())) {
            throw denied(caller, "read", path);
        }
        return n;
    }

    byte[] read(TreeView view, Caller caller, String path) {
        return readable(view, caller, path).value();
    }

    List<String> directory(TreeView view, Caller caller, String path) {
        return readable(view, caller, path).children();
    }

    void write(TreeView view, Caller caller, String path, byte[] value, Consumer<Change> changes) {
        if (!caller.privileged() && Quotas.exceeds(value.length, quotas.nodeSize())) {
            throw new XsErrorException(XsError.E2BIG, path + ": value of " + value.length
                + " bytes over the node-size quota of " + quotas.nodeSize());
        }
        Node n = view.get(path);
        if (n == null) {
            n = create(view, caller, path, value);
        } else {
            if (!caller.canWrite(n.perms())) {
                throw denied(caller, "write", path);
            }
            n = n.withValue(value);
            view.put(path, n);
        }
        changes.accept(new Change(path, n.perms(), false));
    }

    void mkdir(TreeView view, Caller caller, String path, Consumer<Change> changes) {
        Node n = view.get(path);
        if (n != null) {
            if (!caller.canWrite(n.perms())) {
                throw denied(caller, "write", path);
            }
            return;
        }
        n = create(view, caller, path, Node.EMPTY);
        changes.accept(new Change(path, n.perms(), false));
    }

    /** Removes the subtree at {@code path}; not there is fine as long as its parent is. */
    void rm(TreeView view, Caller caller, String path, Consumer<Change> changes) {
        if (path.equals("/")) {
            throw new XsErrorException(XsError.EINVAL, "the root cannot be removed");
        }
        Node n = view.get(path);
        String parentPath = Paths.parent(path);
        if (n == null) {
            if (view.get(parentPath) == null) {
                throw missing(view, caller, parentPath);
            }
            return;
        }
        if (!caller.canWrite(n.perms())) {
            throw denied(caller, "remove", path);
        }
        removeSubtree(view, path, n);
        Node parent = view.get(parentPath);
        view.put(parentPath, parent.withoutChild(Paths.leaf(path)));
        changes.accept(new Change(path, n.perms(), true));
    }

    Perms getPerms(TreeView view, Caller caller, String path) {
        return readable(view, caller, path).perms();
    }

    void setPerms(TreeView view, Caller caller, String path, Perms perms, Consumer<Change> changes) {
        Node n = view.get(path);
        if (n == null) {
            throw missing(view, caller, path);
        }
        if (!caller.canWrite(n.perms()) || !caller.owns(n.perms())) {
            throw denied(caller, "set the permissions of", path);
        }
        if (!caller.privileged()) {
            if (perms.owner() != n.perms().owner()) {
                throw new XsErrorException(XsError.EPERM, path + ": only dom0 may change a node's owner");
            }
            if (Quotas.exceeds(perms.entries().size() - 1, quotas.permsPerNode())) {
                throw new XsErrorException(XsError.ENOSPC, path + ": more than " + quotas.permsPerNode()
                    + " permission entries");
            }
        }
        if (perms.owner() != n.perms().owner()) {
            checkOwnedQuota(view, caller, perms.owner(), 1);
        }
        view.put(path, n.withPerms(perms));
        changes.accept(new Change(path, perms, false));
    }

    /**
     * DIRECTORY_PART: the node's generation, then its child list (each name NUL-terminated, the whole list closed
     * by one more NUL) from byte {@code offset} on, cut at a name boundary to fit one payload.
     */
    byte[] directoryPart(TreeView view, Caller caller, String path, int offset) {
        Node n = readable(view, caller, path);
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String c : n.children()) {
            list.writeBytes(c.getBytes(StandardCharsets.ISO_8859_1));
            list.write(0);
        }
        list.write(0);
        byte[] all = list.toByteArray();
        if (offset < 0 || offset >= all.length) {
            throw new XsErrorException(XsError.EINVAL, path + ": offset " + offset + " past the child list");
        }
        byte[] gen = (Long.toString(n.generation()) + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int room = XsMessage.PAYLOAD_MAX - gen.length;
        int end = offset;
        // Whole names only: the client takes a chunk that ends in an empty name as the last one.
        while (end < all.length) {
            int next = end;
            while (all[next] != 0) {
                next++;
            }
            next++;
            if (next - offset > room) {
                break;
            }
            end = next;
        }
        if (end == offset) {
            throw new XsErrorException(XsError.E2BIG, path + ": a child name does not fit one payload");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(gen.length + end - offset);
        out.writeBytes(gen);
        out.write(all, offset, end - offset);
        return out.toByteArray();
    }

    /** Creates {@code path} and any missing ancestors, each inheriting its parent's permissions. */
    private Node create(TreeView view, Caller caller, String path, byte[] value) {
        List<String> missing = new ArrayList<>();
        String at = path;
        Node existing;
        while ((existing = view.get(at)) == null) {
            missing.add(at);
            at = Paths.parent(at);
        }
        if (!caller.canWrite(existing.perms())) {
            throw denied(caller, "create nodes under", at);
        }
        // A domain owns what it creates; the host's nodes keep their parent's owner (C xenstored's rule).
        Perms perms = caller.privileged() ? existing.perms() : existing.perms().withOwner(caller.domid());
        checkOwnedQuota(view, caller, perms.owner(), missing.size());
        Node parent = existing;
        String parentPath = at;
        Node made = null;
        for (int i = missing.size() - 1; i >= 0; i--) {
            String p = missing.get(i);
            view.put(parentPath, parent.withChild(Paths.leaf(p)));
            made = Node.empty(perms);
            if (i == 0) {
                made = made.withValue(value);
            }
            view.put(p, made);
            parent = made;
            parentPath = p;
        }
        return made;
    }

    private void checkOwnedQuota(TreeView view, Caller caller, int owner, int adding) {
        if (owner != 0 && !caller.privileged()
            && Quotas.exceeds(view.nodesOwnedBy(owner) + (long) adding, quotas.nodesPerDomain())) {
            throw new XsErrorException(XsError.ENOSPC, "domain " + owner + " would own more than "
                + quotas.nodesPerDomain() + " nodes");
        }
    }

    private static void removeSubtree(TreeView view, String path, Node n) {
        for (String c : n.children()) {
            String cp = Paths.child(path, c);
            Node child = view.get(cp);
            if (child != null) {
                removeSubtree(view, cp, child);
            }
        }
        view.remove(path);
    }

    /** ENOENT, unless the nearest existing ancestor is unreadable: then EACCES, so absence leaks nothing. */
    private static XsErrorException missing(TreeView view, Caller caller, String path) {
        String at = path;
        while (!at.equals("/")) {
            at = Paths.parent(at);
            Node n = view.get(at);
            if (n != null) {
                if (!caller.canRead(n.perms())) {
                    return denied(caller, "read", at);
                }
                break;
            }
        }
        return new XsErrorException(XsError.ENOENT, path + " does not exist");
    }

    private static XsErrorException denied(Caller caller, String what, String path) {
        return new XsErrorException(XsError.EACCES, "domain " + caller.domid() + " may not " + what + " " + path);
    }
}
