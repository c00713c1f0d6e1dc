package org.domus.xenstore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transaction's private view of the store, optimistic: the first read of a node falls through to the store
 * and keeps the node as it was then, so every later read in the transaction sees that same node even if
 * someone else changes it meanwhile (C xenstored copies a node into the transaction on first access; Xen's
 * own test-xenstore checks this in its "ta err" case). Writes stay here. Commit succeeds only if every node the
 * transaction read or wrote still has the generation it saw (absent counting as generation 0); otherwise
 * EAGAIN and the client retries, as libxenstore users do. Watch events are held back until commit.
 */
final class Transaction implements TreeView {
    /** Marks a node this transaction removed. */
    private static final Node REMOVED = Node.empty(Perms.DOM0_ONLY);
    /** Marks a node that did not exist when this transaction first looked. */
    private static final Node ABSENT = Node.empty(Perms.DOM0_ONLY);

    final int id;
    private final Store store;
    /** Each node as this transaction first saw it (its stable view), ABSENT where there was none. */
    private final Map<String, Node> seen = new HashMap<>();
    private final Map<String, Node> changed = new LinkedHashMap<>();
    private final Map<Integer, Integer> ownedDelta = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();

    private final int nodeLimit;

    /** @param nodeLimit how many nodes it may read or write (the transaction-nodes quota), 0 for no limit */
    Transaction(int id, Store store, int nodeLimit) {
        this.id = id;
        this.store = store;
        this.nodeLimit = nodeLimit;
    }

    @Override
    public Node get(String path) {
        Node mine = changed.get(path);
        if (mine != null) {
            return mine == REMOVED ? null : mine;
        }
        Node first = seen.get(path);
        if (first != null) {
            return first == ABSENT ? null : first;
        }
        if (Quotas.exceeds(seen.size() + 1L, nodeLimit)) {
            throw new XsErrorException(XsError.ENOSPC, "transaction " + id + " touches more than " + nodeLimit
                + " nodes");
        }
        Node n = store.get(path);
        seen.put(path, n == null ? ABSENT : n);
        return n;
    }

    @Override
    public void put(String path, Node node) {
        Node old = get(path);
        if (old != null) {
            countDelta(old.perms().owner(), -1);
        }
        countDelta(node.perms().owner(), +1);
        changed.put(path, node);
    }

    @Override
    public void remove(String path) {
        Node old = get(path);
        if (old != null) {
            countDelta(old.perms().owner(), -1);
            changed.put(path, REMOVED);
        }
    }

    @Override
    public int nodesOwnedBy(int domid) {
        return store.nodesOwnedBy(domid) + ownedDelta.getOrDefault(domid, 0);
    }

    void record(Change c) {
        changes.add(c);
    }

    /** Applies this transaction to the store and returns its changes for the watches, or throws EAGAIN. */
    List<Change> commit() {
        for (Map.Entry<String, Node> e : seen.entrySet()) {
            if (store.generationOf(e.getKey()) != e.getValue().generation()) {
                throw new XsErrorException(XsError.EAGAIN, e.getKey() + " changed during transaction " + id);
            }
        }
        changed.forEach((path, node) -> {
            if (node == REMOVED) {
                store.remove(path);
            } else {
                store.put(path, node);
            }
        });
        return changes;
    }

    private void countDelta(int domid, int delta) {
        ownedDelta.merge(domid, delta, Integer::sum);
    }
}
