package org.domus.xenstore;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A blocking client of the wire protocol over a Unix socket, for {@code domus} commands run against a live
 * system, tests and benchmarks. One request at a time; watch events that arrive meanwhile are kept for
 * {@link #nextEvent}. Not thread-safe: one per thread.
 */
public final class XenstoreClient implements AutoCloseable {
    /** One WATCH_EVENT: the path that changed (as the watch reports it) and the watch's token. */
    public record WatchEvent(String path, String token) {
    }

    private final SocketChannel channel;
    private final MessageReader reader = new MessageReader();
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final Deque<XsMessage> arrived = new ArrayDeque<>();
    private final Deque<WatchEvent> events = new ArrayDeque<>();
    private int nextReqId = 1;

    private XenstoreClient(SocketChannel channel) {
        this.channel = channel;
        in.flip();
    }

    public static XenstoreClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new XenstoreClient(ch);
    }

    public Optional<String> read(String path) throws IOException {
        return read(0, path);
    }

    public Optional<String> read(int tx, String path) throws IOException {
        try {
            return Optional.of(new String(call(XsType.READ, tx, path).payload(), StandardCharsets.UTF_8));
        } catch (XsErrorException e) {
            if (e.error() == XsError.ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public void write(String path, String value) throws IOException {
        write(0, path, value);
    }

    public void write(int tx, String path, String value) throws IOException {
        byte[] p = path.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[p.length + 1 + v.length];
        System.arraycopy(p, 0, payload, 0, p.length);
        System.arraycopy(v, 0, payload, p.length + 1, v.length);
        expectOk(request(XsMessage.of(XsType.WRITE, 0, tx, payload)));
    }

    public void mkdir(String path) throws IOException {
        expectOk(call(XsType.MKDIR, 0, path));
    }

    public void rm(String path) throws IOException {
        rm(0, path);
    }

    public void rm(int tx, String path) throws IOException {
        expectOk(call(XsType.RM, tx, path));
    }

    public List<String> directory(String path) throws IOException {
        return call(XsType.DIRECTORY, 0, path).payloadStrings();
    }

    public List<String> getPerms(String path) throws IOException {
        return call(XsType.GET_PERMS, 0, path).payloadStrings();
    }

    /** Permissions as {@code n0}, {@code r1}, {@code w2}, {@code b3}; the first names the owner. */
    public void setPerms(String path, String... perms) throws IOException {
        List<String> args = new ArrayList<>();
        args.add(path);
        args.addAll(List.of(perms));
        expectOk(call(XsType.SET_PERMS, 0, args.toArray(String[]::new)));
    }

    public void watch(String path, String token) throws IOException {
        expectOk(call(XsType.WATCH, 0, path, token));
    }

    public void unwatch(String path, String token) throws IOException {
        expectOk(call(XsType.UNWATCH, 0, path, token));
    }

    /** Starts a transaction; pass its id to the other calls. */
    public int transactionStart() throws IOException {
        return Integer.parseUnsignedInt(call(XsType.TRANSACTION_START, 0, "").payloadText());
    }

    /** Ends a transaction; commit may throw {@link XsErrorException} with EAGAIN: start over. */
    public void transactionEnd(int tx, boolean commit) throws IOException {
        expectOk(call(XsType.TRANSACTION_END, tx, commit ? "T" : "F"));
    }

    public void introduce(int domid, long gfn, int eventChannel) throws IOException {
        expectOk(call(XsType.INTRODUCE, 0, Integer.toString(domid), Long.toString(gfn),
            Integer.toString(eventChannel)));
    }

    public void release(int domid) throws IOException {
        expectOk(call(XsType.RELEASE, 0, Integer.toString(domid)));
    }

    public boolean isDomainIntroduced(int domid) throws IOException {
        return call(XsType.IS_DOMAIN_INTRODUCED, 0, Integer.toString(domid)).payloadText().equals("T");
    }

    public String domainPath(int domid) throws IOException {
        return call(XsType.GET_DOMAIN_PATH, 0, Integer.toString(domid)).payloadText();
    }

    public String control(String... command) throws IOException {
        return call(XsType.CONTROL, 0, command).payloadText();
    }

    /** The next watch event, waiting up to {@code timeout}; empty if none came. */
    public Optional<WatchEvent> nextEvent(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !receiveOne(left)) {
                return Optional.empty();
            }
        }
        return Optional.of(events.poll());
    }

    /**
     * Sends any message and returns its answer (an ERROR answer is returned, not thrown): the raw door for tests.
     * The request id is replaced by the client's own.
     */
    public XsMessage request(XsMessage m) throws IOException {
        int id = nextReqId++;
        ByteBuffer out = new XsMessage(m.type(), id, m.txId(), m.payload()).encode();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        while (true) {
            for (var it = arrived.iterator(); it.hasNext(); ) {
                XsMessage r = it.next();
                if (r.reqId() == id) {
                    it.remove();
                    return r;
                }
            }
            if (!receiveOne(Long.MAX_VALUE)) {
                throw new IOException("xenstored closed the connection");
            }
        }
    }

    private XsMessage call(XsType type, int tx, String... args) throws IOException {
        XsMessage r = request(XsMessage.strings(type, 0, tx, args));
        if (r.type() == XsType.ERROR.number()) {
            String name = r.payloadText();
            XsError e;
            try {
                e = XsError.valueOf(name);
            } catch (IllegalArgumentException unknown) {
                e = XsError.EINVAL;   // what libxenstore does with a name it does not know
            }
            throw new XsErrorException(e, type + " " + String.join(" ", args));
        }
        return r;
    }

    private static void expectOk(XsMessage r) {
        if (r.type() == XsType.ERROR.number()) {
            throw new XsErrorException(XsError.valueOf(r.payloadText()), "request refused");
        }
    }

    /** Reads until at least one message arrived; false at end of stream (or, for a finite wait, on timeout). */
    private boolean receiveOne(long nanos) throws IOException {
        int before = arrived.size() + events.size();
        while (arrived.size() + events.size() == before) {
            if (!in.hasRemaining()) {
                in.clear();
                if (nanos != Long.MAX_VALUE) {
                    channel.configureBlocking(false);
                    long deadline = System.nanoTime() + nanos;
                    int n;
                    while ((n = channel.read(in)) == 0) {
                        if (System.nanoTime() > deadline) {
                            in.flip();
                            channel.configureBlocking(true);
                            return false;
                        }
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted", e);
                        }
                    }
                    channel.configureBlocking(true);
                    if (n < 0) {
                        in.flip();
                        return false;
                    }
                } else if (channel.read(in) < 0) {
                    in.flip();
                    return false;
                }
                in.flip();
            }
            if (!reader.feed(in, this::arrive)) {
                throw new IOException("xenstored sent a message longer than " + XsMessage.PAYLOAD_MAX + " bytes");
            }
        }
        return true;
    }

    private void arrive(XsMessage m) {
        if (m.type() == XsType.WATCH_EVENT.number()) {
            List<String> s = m.payloadStrings();
            events.add(new WatchEvent(s.isEmpty() ? "" : s.get(0), s.size() > 1 ? s.get(1) : ""));
        } else {
            arrived.add(m);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
