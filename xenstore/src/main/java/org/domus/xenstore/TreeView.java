package org.domus.xenstore;

/**
 * The tree as one request sees it: the store itself, or a transaction's private view of it. Every operation
 * ({@link TreeOps}) is written once against this.
 */
interface TreeView {
    /** The node at an absolute path, or null. */
    Node get(String path);

    /** Creates or replaces the node at {@code path} (its parent's child list is the caller's business). */
    void put(String path, Node node);

    /** Removes one node (not its children: the caller removes those first). */
    void remove(String path);

    /** How many nodes {@code domid} owns, as this view sees it: the entries quota counts these. */
    int nodesOwnedBy(int domid);
}
