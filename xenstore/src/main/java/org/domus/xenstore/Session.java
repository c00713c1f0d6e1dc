package org.domus.xenstore;

import java.nio.ByteBuffer;

/** A client as xenstored knows it; its transport feeds it what the client sends. */
public interface Session {
    /**
     * Takes bytes the client sent, in any pieces, and answers each complete request through the transport.
     * Returns false when the session is over (protocol violation or cut off): the transport should close.
     */
    boolean receive(ByteBuffer bytes);

    /** The client went away: its watches and open transactions go with it. */
    void disconnected();
}
