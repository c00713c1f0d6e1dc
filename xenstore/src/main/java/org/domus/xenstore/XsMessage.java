package org.domus.xenstore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of the wire protocol: the 16-byte {@code struct xsd_sockmsg} header (type, req_id, tx_id, len; four
 * uint32 in the host's byte order, as the C clients write them) and {@code len} bytes of payload.
 *
 * @param type the raw type number (kept raw: an unknown type must still be answered, with ENOSYS)
 */
public record XsMessage(int type, int reqId, int txId, byte[] payload) {
    public static final int HEADER_SIZE = 16;
    /** XENSTORE_PAYLOAD_MAX: longer in either direction is a protocol violation. */
    public static final int PAYLOAD_MAX = 4096;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    public static XsMessage of(XsType type, int reqId, int txId, byte[] payload) {
        return new XsMessage(type.number(), reqId, txId, payload);
    }

    /** A request whose payload is these strings, each followed by a NUL (the usual shape). */
    public static XsMessage strings(XsType type, int reqId, int txId, String... args) {
        return of(type, reqId, txId, joinStrings(List.of(args)));
    }

    public XsType knownType() {
        return XsType.of(type);
    }

    /** Header and payload, ready to write. */
    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + payload.length).order(ORDER);
        b.putInt(type).putInt(reqId).putInt(txId).putInt(payload.length).put(payload);
        return b.flip();
    }

    /** The payload as NUL-terminated strings; bytes after the last NUL are dropped. */
    public List<String> payloadStrings() {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                out.add(new String(payload, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        return out;
    }

    /** The payload read as one string without its trailing NUL (replies such as READ carry no NUL). */
    public String payloadText() {
        int n = payload.length;
        if (n > 0 && payload[n - 1] == 0) {
            n--;
        }
        return new String(payload, 0, n, StandardCharsets.ISO_8859_1);
    }

    static byte[] joinStrings(List<String> args) {
        int n = 0;
        for (String a : args) {
            n += a.length() + 1;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length + 1;
        }
        return out;
    }

    @Override
    public String toString() {
        XsType t = knownType();
        return (t == null ? "type " + type : t.name()) + " req " + Integer.toUnsignedString(reqId) + " tx "
            + Integer.toUnsignedString(txId) + " len " + payload.length;
    }
}
