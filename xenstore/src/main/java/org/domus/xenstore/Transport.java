package org.domus.xenstore;

import java.nio.ByteBuffer;

/**
 * What carries one client's messages: a Unix socket for host tools now, a domain's shared ring page later.
 * The transport feeds the bytes it receives to the {@link Session} that {@link XenstoreServer#attach} returns,
 * and xenstored hands it whole messages to send.
 */
public interface Transport {
    /** Whose rights the client has: 0 for the host (privileged), N for domain N (held to permissions). */
    int domid();

    /**
     * Queues one encoded message (header and payload) for the client, without blocking: a client that does not
     * read must not stall the daemon. Called with xenstored's lock held, from any thread.
     */
    void send(ByteBuffer message);

    /** Bytes queued by {@link #send} that the client has not taken yet: the pending-output quota counts these. */
    long pendingOutputBytes();

    /** Drops the client (protocol violation, quota, domain released, shutdown). Idempotent. */
    void close();
}
