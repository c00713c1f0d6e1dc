package org.domus.hypervisor;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A connection to a running system's control socket, for {@code domus list} and the other toolstack commands. The
 * system is found by name; without one, the only system running is taken.
 */
public final class ControlClient implements AutoCloseable {
    private final String name;
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private ControlClient(String name, SocketChannel channel) {
        this.name = name;
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects to system {@code name}, or with null to the one system running. */
    public static ControlClient connect(String name) throws ControlException {
        String system = name != null ? name : onlyRunning();
        Path socket = ControlPaths.socket(system);
        if (!Files.exists(socket)) {
            throw new ControlException("no system '%s' is running (no control socket %s)".formatted(system, socket));
        }
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw new ControlException("no system '%s' is running (its control socket %s is stale: that Domus was killed)"
                        .formatted(system, socket), e);
            }
            return new ControlClient(system, ch);
        } catch (IOException e) {
            throw new ControlException("cannot connect to %s: %s".formatted(socket, e.getMessage()), e);
        }
    }

    /** Whether something listens on {@code socket}. */
    static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The names of the systems that answer on their sockets. */
    public static List<String> running() {
        List<String> live = new ArrayList<>();
        for (String n : ControlPaths.names()) {
            try {
                if (answers(ControlPaths.socket(n))) {
                    live.add(n);
                }
            } catch (ControlException e) {
                // a file that is no system's socket
            }
        }
        return live;
    }

    private static String onlyRunning() throws ControlException {
        List<String> live = running();
        if (live.isEmpty()) {
            throw new ControlException("no system is running (no live control socket in %s)".formatted(ControlPaths.directory()));
        }
        if (live.size() > 1) {
            throw new ControlException("%d systems are running (%s): pick one with --name".formatted(live.size(), String.join(", ", live)));
        }
        return live.getFirst();
    }

    public String name() {
        return name;
    }

    /** Sends {@code request} and returns its result; an error answer is thrown as its one line. */
    public JsonNode call(ObjectNode request) throws ControlException {
        JsonNode answer;
        try {
            ControlWire.write(out, request);
            answer = ControlWire.read(in);
        } catch (IOException e) {
            throw new ControlException("system '%s' did not answer: %s".formatted(name, e.getMessage()), e);
        }
        if (answer == null) {
            throw new ControlException("system '%s' closed the connection without an answer (it is stopping?)".formatted(name));
        }
        if (!answer.path("ok").asBoolean(false)) {
            throw new ControlException(answer.path("error").asText("malformed answer: " + answer));
        }
        return answer.path("result");
    }

    /** A request of operation {@code op}, to add arguments to. */
    public static ObjectNode request(String op) {
        return ControlWire.request(op);
    }

    /** A request about one domain. */
    public static ObjectNode request(String op, String domain) {
        ObjectNode r = ControlWire.request(op);
        r.put("domain", domain);
        return r;
    }

    /** As {@link #call(ObjectNode)}, the result read as {@code type} (one of the protocol's records). */
    public <T> T call(ObjectNode request, Class<T> type) throws ControlException {
        JsonNode result = call(request);
        try {
            return ControlWire.JSON.treeToValue(result, type);
        } catch (IOException e) {
            throw new ControlException("malformed answer: " + e.getMessage(), e);
        }
    }

    public List<DomainInfo> list() throws ControlException {
        return ControlWire.JSON.convertValue(call(request("list")), new TypeReference<List<DomainInfo>>() { });
    }

    public List<VcpuInfo> vcpus(ObjectNode request) throws ControlException {
        return ControlWire.JSON.convertValue(call(request), new TypeReference<List<VcpuInfo>>() { });
    }

    /** Runs init-dom0less in the system: the handshake of every enhanced domain that has not had it. */
    public StoreInitReport initDom0less() throws ControlException {
        return call(request("init-dom0less"), StoreInitReport.class);
    }

    public List<ControlServer.LogLine> dmesg() throws ControlException {
        return ControlWire.JSON.convertValue(call(request("dmesg")), new TypeReference<List<ControlServer.LogLine>>() { });
    }

    /**
     * Attaches to the console of {@code domain}; afterwards {@link #consoleOutput()} and {@link #consoleInput()} are
     * the raw console, and closing this detaches.
     */
    public ControlServer.ConsoleAttached attach(String domain, boolean input) throws ControlException {
        ObjectNode r = request("console", domain);
        r.put("input", input);
        return call(r, ControlServer.ConsoleAttached.class);
    }

    /** After {@link #attach}: what the guest prints (the replay first); ends when the domain ends. */
    public InputStream consoleOutput() {
        return in;
    }

    /** After {@link #attach}: keys for the guest. */
    public OutputStream consoleInput() {
        return out;
    }

    /** Stops sending (the server detaches this client) while output can still be read to its end. */
    public void shutdownInput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
