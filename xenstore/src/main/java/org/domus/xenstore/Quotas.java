package org.domus.xenstore;

import java.util.List;

/**
 * The limits that keep one client from harming the others. Per domain (unprivileged domains only, as in C
 * xenstored: the host is trusted with its own store): nodes owned, value size, permission entries per node, nodes
 * one transaction may touch. Per connection (every connection, host sockets included, since each costs the daemon
 * memory): watches, open transactions, and output waiting to be read; a connection whose unread output passes the
 * limit is cut off. Refusals are ENOSPC (E2BIG for a value too large); 0 disables a limit. The names are those of
 * GET_QUOTA/SET_QUOTA (C xenstored's where it has one).
 *
 * @param nodesPerDomain       {@code nodes}: nodes a domain may own (default 1000)
 * @param nodeSize             {@code node-size}: bytes in one node's value (default 2048)
 * @param permsPerNode         {@code permissions}: permission entries beyond the owner (default 5)
 * @param nodesPerTransaction  {@code transaction-nodes}: nodes one transaction of a domain may read or write (1024)
 * @param watchesPerConnection {@code watches}: watches one connection may hold (default 128)
 * @param transactionsPerConnection {@code transactions}: transactions one connection may have open (default 10)
 * @param pendingOutputBytes   {@code output}: replies and events queued for a client not reading them (1 MiB)
 */
public record Quotas(int nodesPerDomain, int nodeSize, int permsPerNode, int nodesPerTransaction,
                     int watchesPerConnection, int transactionsPerConnection, long pendingOutputBytes) {
    public static final Quotas DEFAULT = new Quotas(1000, 2048, 5, 1024, 128, 10, 1 << 20);
    static final List<String> NAMES =
        List.of("nodes", "node-size", "permissions", "transaction-nodes", "watches", "transactions", "output");

    public Quotas {
        if (nodesPerDomain < 0 || nodeSize < 0 || permsPerNode < 0 || nodesPerTransaction < 0
            || watchesPerConnection < 0 || transactionsPerConnection < 0 || pendingOutputBytes < 0) {
            throw new IllegalArgumentException("quotas cannot be negative");
        }
    }

    /** {@code value} is over {@code limit} (0 = unlimited). */
    static boolean exceeds(long value, long limit) {
        return limit > 0 && value > limit;
    }

    /** The quota called {@code name} (see {@link #NAMES}); EINVAL for an unknown name. */
    long value(String name) {
        return switch (name) {
            case "nodes" -> nodesPerDomain;
            case "node-size" -> nodeSize;
            case "permissions" -> permsPerNode;
            case "transaction-nodes" -> nodesPerTransaction;
            case "watches" -> watchesPerConnection;
            case "transactions" -> transactionsPerConnection;
            case "output" -> pendingOutputBytes;
            default -> throw new XsErrorException(XsError.EINVAL, "no quota '" + name + "'");
        };
    }

    /** These quotas with the one called {@code name} set to {@code v}. */
    public Quotas with(String name, long v) {
        value(name);
        if (v < 0 || (v > Integer.MAX_VALUE && !name.equals("output"))) {
            throw new XsErrorException(XsError.EINVAL, "quota " + name + " = " + v + " out of range");
        }
        int i = (int) Math.min(v, Integer.MAX_VALUE);
        return new Quotas(name.equals("nodes") ? i : nodesPerDomain, name.equals("node-size") ? i : nodeSize,
            name.equals("permissions") ? i : permsPerNode, name.equals("transaction-nodes") ? i : nodesPerTransaction,
            name.equals("watches") ? i : watchesPerConnection,
            name.equals("transactions") ? i : transactionsPerConnection,
            name.equals("output") ? v : pendingOutputBytes);
    }

    public Quotas withPendingOutputBytes(long bytes) {
        return with("output", bytes);
    }
}
