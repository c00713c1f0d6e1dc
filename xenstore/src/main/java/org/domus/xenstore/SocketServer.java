package org.domus.xenstore;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The Unix socket listeners: one thread, one selector, every client non-blocking, so a client that stops
 * reading costs a queue (bounded by its quota), never a thread. Each listener gives its clients one identity:
 * the host socket makes them domain 0; a per-domain socket (tests, diagnostics) makes them domain N.
 */
final class SocketServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.domus.xenstore");

    private final Xenstored daemon;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Path> bound = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean running = true;

    SocketServer(Xenstored daemon) throws IOException {
        this.daemon = daemon;
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name("xenstored").unstarted(this::loop);
        thread.start();
    }

    /** Listens on {@code path} (a stale socket file left by a dead server is replaced), clients acting as {@code domid}. */
    void listen(Path path, int domid) throws IOException {
        if (Files.exists(path)) {
            if (inUse(path)) {
                throw new XenstoreException("cannot listen on " + path + ": another server is answering there");
            }
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        // As C xenstored's socket: only its owner (root on a real host) may talk to the store.
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        server.configureBlocking(false);
        synchronized (bound) {
            bound.add(path);
        }
        onLoop(() -> {
            try {
                server.register(selector, SelectionKey.OP_ACCEPT, domid);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "xenstored: cannot listen on " + path, e);
            }
        });
    }

    private static boolean inUse(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void onLoop(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    /** A transport queued output from a thread other than the loop's: the loop must see the new interest. */
    void wakeupFromElsewhere() {
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    private void loop() {
        while (running) {
            try {
                selector.select();
                Runnable r;
                while ((r = tasks.poll()) != null) {
                    r.run();
                }
                var keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    serve(k);
                }
                keys.clear();
            } catch (IOException | RuntimeException e) {
                // One bad client or a bug in one request must not stop the store for everyone.
                LOG.log(System.Logger.Level.ERROR, "xenstored: socket loop", e);
            }
        }
    }

    private void serve(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        if (k.isAcceptable()) {
            accept((ServerSocketChannel) k.channel(), (Integer) k.attachment());
            return;
        }
        SocketTransport t = (SocketTransport) k.attachment();
        if (k.isWritable() && !t.flush()) {
            t.session().disconnected();
            t.close();
            return;
        }
        if (k.isValid() && k.isReadable()) {
            read(t);
        }
    }

    private void accept(ServerSocketChannel server, int domid) {
        try {
            SocketChannel ch = server.accept();
            if (ch == null) {
                return;
            }
            ch.configureBlocking(false);
            SocketTransport t = new SocketTransport(ch, domid, this);
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ, t);
            t.bind(key, daemon.connect(t));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "xenstored: accept failed", e);
        }
    }

    private void read(SocketTransport t) {
        int n;
        try {
            readBuffer.clear();
            n = t.channel().read(readBuffer);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            t.session().disconnected();
            t.close();
            return;
        }
        readBuffer.flip();
        if (!t.session().receive(readBuffer)) {
            t.close();
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (bound) {
            for (Path p : bound) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover socket file is replaced by the next server
                }
            }
        }
    }
}
