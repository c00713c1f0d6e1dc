package org.domus.xenstore;

/**
 * The limits that keep one client from harming the others. Per domain (unprivileged domains only, as in C
 * xenstored: the host is trusted with its own store): nodes owned, value size, permission entries per node.
 * Per connection (every connection, host sockets included, since each costs the daemon memory): watches, open
 * transactions, and output waiting to be read; a connection whose unread output passes the limit is cut off.
 * Refusals are ENOSPC (E2BIG for a value too large); 0 disables a limit.
 *
 * @param nodesPerDomain       nodes a domain may own (C xenstored's {@code nodes}, default 1000)
 * @param nodeSize             bytes in one node's value ({@code node-size}, default 2048)
 * @param permsPerNode         permission entries beyond the owner ({@code permissions}, default 5)
 * @param watchesPerConnection watches one connection may hold ({@code watches}, default 128)
 * @param transactionsPerConnection transactions one connection may have open ({@code transactions}, default 10)
 * @param pendingOutputBytes   replies and events queued for a connection that is not reading them (default 1 MiB)
 */
public record Quotas(int nodesPerDomain, int nodeSize, int permsPerNode, int watchesPerConnection,
                     int transactionsPerConnection, long pendingOutputBytes) {
    public static final Quotas DEFAULT = new Quotas(1000, 2048, 5, 128, 10, 1 << 20);

    public Quotas {
        if (nodesPerDomain < 0 || nodeSize < 0 || permsPerNode < 0 || watchesPerConnection < 0
            || transactionsPerConnection < 0 || pendingOutputBytes < 0) {
            throw new IllegalArgumentException("quotas cannot be negative");
        }
    }

    /** {@code value} is over {@code limit} (0 = unlimited). */
    static boolean exceeds(long value, long limit) {
        return limit > 0 && value > limit;
    }

    public Quotas withPendingOutputBytes(long bytes) {
        return new Quotas(nodesPerDomain, nodeSize, permsPerNode, watchesPerConnection, transactionsPerConnection,
            bytes);
    }

    public Quotas withNodesPerDomain(int n) {
        return new Quotas(n, nodeSize, permsPerNode, watchesPerConnection, transactionsPerConnection,
            pendingOutputBytes);
    }
}
