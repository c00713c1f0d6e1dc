package org.domus.xenstore;

/**
 * One modification for the watches: a node written, created, removed or given new permissions.
 *
 * @param path      the absolute path that changed
 * @param perms     who may see the event: the node's permissions after the change (before it, for a removal)
 * @param removal   a removal of the subtree at {@code path}: watches inside it fire too, with their own path
 */
record Change(String path, Perms perms, boolean removal) {
}
