package org.domus.xenstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An in-memory client that acts as domain N (0 = the host): what a domain's ring will be, without the ring.
 * The daemon answers synchronously, so every call returns its reply; watch events are kept in order.
 */
final class TestConnection implements Transport {
    private final int domid;
    private final Session session;
    private final MessageReader reader = new MessageReader();
    private final Deque<XsMessage> replies = new ArrayDeque<>();
    final List<XenstoreClient.WatchEvent> events = new ArrayList<>();
    private int nextReqId = 1;
    boolean closed;
    /** Output the "client" has not read yet: tests raise it to make a slow reader. */
    long unread;
    boolean reading = true;

    TestConnection(Xenstored daemon, int domid) {
        this.domid = domid;
        this.session = daemon.connect(this);
    }

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public void send(ByteBuffer message) {
        if (!reading) {
            unread += message.remaining();
            return;
        }
        reader.feed(message, m -> {
            if (m.type() == XsType.WATCH_EVENT.number()) {
                List<String> s = m.payloadStrings();
                events.add(new XenstoreClient.WatchEvent(s.get(0), s.get(1)));
            } else {
                replies.add(m);
            }
        });
    }

    @Override
    public long pendingOutputBytes() {
        return unread;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Sends the request and returns its reply (ERROR replies included). */
    XsMessage request(XsType type, int tx, byte[] payload) {
        int id = nextReqId++;
        session.receive(XsMessage.of(type, id, tx, payload).encode());
        if (!reading || closed) {
            return null;
        }
        XsMessage r = replies.poll();
        if (r == null || r.reqId() != id) {
            throw new AssertionError("no reply to " + type + " (got " + r + ")");
        }
        return r;
    }

    XsMessage call(XsType type, int tx, String... args) {
        return request(type, tx, XsMessage.joinStrings(List.of(args)));
    }

    /** The reply's text, or the error name prefixed by "ERROR " (assert on either). */
    String ask(XsType type, int tx, String... args) {
        XsMessage r = call(type, tx, args);
        return r.type() == XsType.ERROR.number() ? "ERROR " + r.payloadText() : r.payloadText();
    }

    String ask(XsType type, String... args) {
        return ask(type, 0, args);
    }

    String write(String path, String value) {
        return write(0, path, value);
    }

    String write(int tx, String path, String value) {
        byte[] p = (path + "\0" + value).getBytes(StandardCharsets.ISO_8859_1);
        XsMessage r = request(XsType.WRITE, tx, p);
        return r.type() == XsType.ERROR.number() ? "ERROR " + r.payloadText() : r.payloadText();
    }

    String read(String path) {
        return ask(XsType.READ, path);
    }

    List<String> directory(String path) {
        return call(XsType.DIRECTORY, 0, path).payloadStrings();
    }

    int startTransaction() {
        return Integer.parseInt(ask(XsType.TRANSACTION_START, ""));
    }

    String end(int tx, boolean commit) {
        return ask(XsType.TRANSACTION_END, tx, commit ? "T" : "F");
    }

    List<XenstoreClient.WatchEvent> takeEvents() {
        List<XenstoreClient.WatchEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }
}
