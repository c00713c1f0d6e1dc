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

    /** The names of the systems that answer on their sockets. */
    public static List<String> running() {
        List<String> live = new ArrayList<>();
        for (String n : ControlPaths.names()) {
            try {
                if (SocketProbe.answers(ControlPaths.socket(n))) {
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

    /**
     * Sends {@code request} and returns its reply; a refusal is thrown as the system's one line. After a
     * {@link ControlRequest.Console} reply the connection carries the console: see {@link #consoleOutput()}.
     */
    public <R extends ControlReply> R call(ControlRequest<R> request) throws ControlException {
        byte[] answer;
        try {
            out.write(ControlCodec.encode(request));
            out.flush();
            answer = ControlCodec.readLine(in);
        } catch (IOException e) {
            throw new ControlException("system '%s' did not answer: %s".formatted(name, e.getMessage()), e);
        }
        if (answer == null) {
            throw new ControlException("system '%s' closed the connection without an answer (it is stopping?)".formatted(name));
        }
        try {
            return ControlCodec.decodeReply(answer, request);
        } catch (ControlCodec.Malformed e) {
            throw new ControlException("system '%s' sent a malformed answer to '%s': %s".formatted(name, request.op(), e.getMessage()));
        }
    }

    /** After a console reply: what the guest prints (the replay first); ends when the domain ends. */
    public InputStream consoleOutput() {
        return in;
    }

    /** After a console reply: keys for the guest. */
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
