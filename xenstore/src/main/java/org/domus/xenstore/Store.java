package org.domus.xenstore;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The committed tree: nodes by absolute path. Every put stamps the node with a fresh generation, so a
 * transaction can tell whether anything it read or wrote has changed since. Counts the nodes each domain owns.
 * Not thread-safe: {@link Xenstored} holds its lock around every use.
 */
final class Store implements TreeView {
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<Integer, Integer> owned = new HashMap<>();
    private long generation;

    Store() {
        put("/", Node.empty(Perms.DOM0_ONLY));
    }

    @Override
    public Node get(String path) {
        return nodes.get(path);
    }

    /** The generation of the node at {@code path}, 0 if there is none (generations start at 1). */
    long generationOf(String path) {
        Node n = nodes.get(path);
        return n == null ? 0 : n.generation();
    }

    @Override
    public void put(String path, Node node) {
        Node old = nodes.put(path, node.withGeneration(++generation));
        if (old != null) {
            count(old.perms().owner(), -1);
        }
        count(node.perms().owner(), +1);
    }

    @Override
    public void remove(String path) {
        Node old = nodes.remove(path);
        if (old != null) {
            count(old.perms().owner(), -1);
        }
    }

    @Override
    public int nodesOwnedBy(int domid) {
        return owned.getOrDefault(domid, 0);
    }

    int size() {
        return nodes.size();
    }

    void forEach(BiConsumer<String, Node> action) {
        nodes.forEach(action);
    }

    private void count(int domid, int delta) {
        owned.merge(domid, delta, (a, b) -> a + b == 0 ? null : a + b);
    }
}
