/**
 * xenstored: the store of nodes with permissions, transactions, watches and quotas, and its wire protocol
 * over any {@link org.domus.xenstore.Transport} (a Unix socket for host tools now, the shared ring later).
 */
module org.domus.xenstore {
    exports org.domus.xenstore;
}
