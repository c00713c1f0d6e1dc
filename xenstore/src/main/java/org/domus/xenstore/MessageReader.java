package org.domus.xenstore;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into messages, whatever carries it: bytes arrive in any pieces (a socket read, a ring's
 * chunk) and each complete message is handed on. A header announcing more than XENSTORE_PAYLOAD_MAX is a
 * protocol violation that xenstored answers by dropping the connection; {@link #feed} reports it.
 */
final class MessageReader {
    private final ByteBuffer header = ByteBuffer.allocate(XsMessage.HEADER_SIZE).order(XsMessage.ORDER);
    private byte[] payload;
    private int filled;
    private int type;
    private int reqId;
    private int txId;

    /** Consumes all of {@code in}; returns false (and stops) when the stream broke the protocol. */
    boolean feed(ByteBuffer in, Consumer<XsMessage> sink) {
        while (true) {
            if (payload == null) {
                while (header.hasRemaining() && in.hasRemaining()) {
                    header.put(in.get());
                }
                if (header.hasRemaining()) {
                    return true;
                }
                header.flip();
                type = header.getInt();
                reqId = header.getInt();
                txId = header.getInt();
                int len = header.getInt();
                header.clear();
                if (len < 0 || len > XsMessage.PAYLOAD_MAX) {
                    return false;
                }
                payload = new byte[len];
                filled = 0;
            }
            int n = Math.min(in.remaining(), payload.length - filled);
            in.get(payload, filled, n);
            filled += n;
            if (filled < payload.length) {
                return true;
            }
            byte[] done = payload;
            payload = null;
            sink.accept(new XsMessage(type, reqId, txId, done));
        }
    }
}
