package org.domus.engine.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.domus.engine.ConsoleStream;
import org.domus.engine.EngineException;

/**
 * A domain's serial console, QEMU's chardev socket. A reader thread per domain drains the socket into a bounded
 * {@link ConsoleBuffer} (what a slow consumer cannot take is dropped and counted, see {@link #droppedBytes()})
 * and hands each complete line to a watcher, which sees every line whether or not anyone reads
 * {@link #output()}.
 */
final class ConsoleSocket implements ConsoleStream, AutoCloseable {
    /** Bytes held for a consumer that falls behind: a few seconds of a flooding TCG guest. */
    static final int BUFFER_BYTES = 1024 * 1024;
    /** Lines longer than this reach the watcher in pieces. */
    static final int MAX_LINE = 4096;

    private final SocketChannel channel;
    private final ConsoleBuffer buffer = new ConsoleBuffer(BUFFER_BYTES);
    private final Consumer<String> lineWatcher;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final InputStream output = buffer.inputStream();
    private final OutputStream input = new SocketOutput();

    private ConsoleSocket(SocketChannel channel, Consumer<String> lineWatcher) {
        this.channel = channel;
        this.lineWatcher = lineWatcher;
    }

    /** Connects to a listening console socket and starts reading it at once. */
    static ConsoleSocket connect(String name, Path socket, Consumer<String> lineWatcher) throws EngineException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new EngineException("%s: cannot connect to console socket %s: %s".formatted(name, socket, e.getMessage()), e);
        }
        var console = new ConsoleSocket(ch, lineWatcher);
        Thread.ofVirtual().name("console-" + name).start(console::readLoop);
        return console;
    }

    /** The guest's output; one consumer. It ends once QEMU has gone and the held bytes are read. */
    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public OutputStream input() {
        return input;
    }

    @Override
    public long droppedBytes() {
        return buffer.dropped();
    }

    /** Completes when the socket has reached its end and every line was watched. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        LineBuffer line = new LineBuffer(MAX_LINE);
        try {
            while (channel.read(buf.clear()) >= 0) {
                buffer.write(buf.array(), 0, buf.position());
                for (int i = 0; i < buf.position(); i++) {
                    byte b = buf.array()[i];
                    if (b == '\n') {
                        watch(line.take());
                    } else if (b != '\r' && !line.add(b)) {
                        watch(line.take());
                        line.add(b);
                    }
                }
            }
        } catch (IOException e) {
            // closed by us or by QEMU's exit: either way the console has ended
        } finally {
            if (line.length() > 0) {
                watch(line.take());
            }
            close();
            buffer.end();
            ended.complete(null);
        }
    }

    private void watch(byte[] line) {
        try {
            lineWatcher.accept(new String(line, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // the watcher's fault must not stop the console
        }
    }

    /** Writes straight to the socket; QEMU reads its console input promptly, so a write does not block long. */
    private final class SocketOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            synchronized (this) {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        }
    }
}
