package org.domus.engine.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;

import org.domus.engine.EngineException;

/**
 * A QMP connection to one QEMU: commands with ids and their replies, and events handed to listeners. One reader
 * thread per connection reads the socket; commands may be sent from any thread.
 *
 * <p>Listeners run on the reader thread: they must return quickly and must not wait for a command's reply
 * (that reply is read by the very thread they are holding).
 */
public final class QmpClient implements AutoCloseable {
    /** How long a command may take before it is reported as unanswered. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** QMP messages are one line each; a longer one means the peer is not QMP. */
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    private final String name;
    private final SocketChannel channel;
    private final Object writeLock = new Object();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, CompletableFuture<QmpValue>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<QmpValue> greeting = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile String closeReason = "QMP connection closed";

    private QmpClient(String name, SocketChannel channel) {
        this.name = name;
        this.channel = channel;
    }

    /**
     * Connects to a QMP socket that is already listening, reads QEMU's greeting and negotiates capabilities, so the
     * returned client accepts commands.
     */
    public static QmpClient connect(String name, Path socket) throws EngineException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new EngineException("%s: cannot connect to QMP socket %s: %s".formatted(name, socket, e.getMessage()), e);
        }
        QmpClient c = new QmpClient(name, ch);
        Thread.ofVirtual().name("qmp-" + name).start(c::readLoop);
        try {
            c.await(c.greeting, "greeting");
            c.execute("qmp_capabilities");
        } catch (EngineException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** QEMU's version, from its greeting. */
    QemuVersion qemuVersion() {
        return QemuVersion.ofGreeting(greeting.getNow(QmpValue.of(null)));
    }

    public void addListener(Consumer<QmpEvent> listener) {
        listeners.add(listener);
    }

    /** Completes when the connection ends (QEMU quit or died, or {@link #close()}). */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    public QmpValue execute(String command) throws EngineException {
        return execute(command, Map.of());
    }

    /** Runs a command and returns its {@code return} member; a QMP error becomes an exception with QEMU's {@code desc}. */
    public QmpValue execute(String command, Map<String, ?> arguments) throws EngineException {
        return await(send(command, arguments), command);
    }

    /** Sends a command without waiting; the future fails with {@link EngineException} on a QMP error. */
    public CompletableFuture<QmpValue> send(String command, Map<String, ?> arguments) {
        long id = nextId.getAndIncrement();
        var reply = new CompletableFuture<QmpValue>();
        pending.put(id, reply);
        try {
            write(command, id, arguments);
        } catch (IOException e) {
            pending.remove(id);
            String why = channel.isOpen() ? String.valueOf(e.getMessage()) : closeReason;
            reply.completeExceptionally(new EngineException("%s: QMP %s not sent: %s".formatted(name, command, why), e));
        }
        if (closed.isDone()) {
            failPending(); // the reader may have finished between put and write
        }
        return reply;
    }

    /** Host thread ids of the vCPUs, in vCPU order ({@code query-cpus-fast}). */
    public List<Long> vcpuThreadIds() throws EngineException {
        List<QmpValue> cpus = new ArrayList<>();
        cpus.addAll(execute("query-cpus-fast").elements());
        cpus.sort(Comparator.comparingInt(c -> c.path("cpu-index").asInt()));
        List<Long> ids = new ArrayList<>();
        for (QmpValue cpu : cpus) {
            ids.add(cpu.path("thread-id").asLong());
        }
        return ids;
    }

    public void stop() throws EngineException {
        execute("stop");
    }

    public void cont() throws EngineException {
        execute("cont");
    }

    public void systemReset() throws EngineException {
        execute("system_reset");
    }

    public void systemPowerdown() throws EngineException {
        execute("system_powerdown");
    }

    /** Asks QEMU to exit; it answers, emits SHUTDOWN (reason host-qmp-quit) and closes the connection. */
    public void quit(Duration timeout) throws EngineException {
        await(send("quit", Map.of()), "quit", timeout);
    }

    @Override
    public void close() {
        closeReason = "QMP connection closed by Domus";
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private QmpValue await(CompletableFuture<QmpValue> reply, String what) throws EngineException {
        return await(reply, what, COMMAND_TIMEOUT);
    }

    private QmpValue await(CompletableFuture<QmpValue> reply, String what, Duration timeout) throws EngineException {
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException ee) {
                throw ee;
            }
            throw new EngineException("%s: QMP %s failed: %s".formatted(name, what, e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new EngineException("%s: QMP %s: no answer within %d ms".formatted(name, what, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("%s: interrupted waiting for QMP %s".formatted(name, what));
        }
    }

    /** {@code {"execute": command, "id": id, "arguments": {...}}} and a newline, in one write. */
    private void write(String command, long id, Map<String, ?> arguments) throws IOException {
        var out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = QmpValue.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("execute", command);
            g.writeNumberField("id", id);
            if (!arguments.isEmpty()) {
                g.writeFieldName("arguments");
                QmpValue.write(g, arguments);
            }
            g.writeEndObject();
        }
        out.write('\n');
        ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
        synchronized (writeLock) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        LineBuffer line = new LineBuffer(MAX_MESSAGE);
        try {
            while (channel.read(buf.clear()) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') {
                        dispatch(line.take());
                    } else if (!line.add(b)) {
                        closeReason = "QMP message longer than " + MAX_MESSAGE + " bytes";
                        return;
                    }
                }
            }
            closeReason = "QMP connection closed by QEMU";
        } catch (IOException e) {
            if (channel.isOpen()) {
                closeReason = "QMP connection broke: " + e.getMessage();
            }
        } finally {
            close0();
        }
    }

    private void close0() {
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
        greeting.completeExceptionally(new EngineException(name + ": " + closeReason + " before QEMU's greeting"));
        closed.complete(null);
        failPending();
    }

    private void failPending() {
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<QmpValue> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(new EngineException(name + ": " + closeReason));
            }
        }
    }

    private void dispatch(byte[] line) {
        if (line.length == 0 || (line.length == 1 && line[0] == '\r')) {
            return;
        }
        QmpValue msg;
        try (JsonParser p = QmpValue.JSON.createParser(line)) {
            p.nextToken();
            msg = QmpValue.read(p);
        } catch (IOException | IllegalArgumentException e) {
            return; // not JSON: QMP never sends that, and one bad line must not end the connection
        }
        if (msg.has("QMP")) {
            greeting.complete(msg);
        } else if (msg.has("event")) {
            var event = new QmpEvent(msg.path("event").asText(), msg.has("data") ? msg.path("data") : QmpValue.of(Map.of()));
            for (Consumer<QmpEvent> l : listeners) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    // a faulty listener must not stop the events for the others
                }
            }
        } else if (msg.has("id")) {
            CompletableFuture<QmpValue> f = pending.remove(msg.path("id").asLong());
            if (f == null) {
                return;
            }
            if (msg.has("error")) {
                QmpValue err = msg.path("error");
                f.completeExceptionally(new EngineException("%s: QEMU: %s".formatted(name,
                        err.path("desc").asText(err.path("class").asText("error")))));
            } else {
                f.complete(msg.path("return"));
            }
        }
    }
}
