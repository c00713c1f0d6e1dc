package org.domus.xenstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One client on a Unix socket. Output is written at once when the socket takes it (the usual case: one reply
 * per request) and otherwise queued until the selector says the socket is writable again; what sits in the
 * queue is the client's pending output, which the quota bounds.
 */
final class SocketTransport implements Transport {
    private final SocketChannel channel;
    private final int domid;
    private final SocketServer server;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private SelectionKey key;
    private Session session;
    private long pending;
    private boolean closed;

    SocketTransport(SocketChannel channel, int domid, SocketServer server) {
        this.channel = channel;
        this.domid = domid;
        this.server = server;
    }

    void bind(SelectionKey k, Session s) {
        this.key = k;
        this.session = s;
    }

    Session session() {
        return session;
    }

    SocketChannel channel() {
        return channel;
    }

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public synchronized void send(ByteBuffer message) {
        if (closed) {
            return;
        }
        try {
            if (queue.isEmpty()) {
                channel.write(message);
            }
            if (message.hasRemaining()) {
                queue.add(message);
                pending += message.remaining();
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                server.wakeupFromElsewhere();
            }
        } catch (IOException e) {
            broken();
        }
    }

    /**
     * The socket is writable again: writes what it takes from the queue. False when the peer is gone; the
     * caller (holding no lock, so the daemon's lock is never taken under this one) then disconnects it.
     */
    synchronized boolean flush() {
        try {
            while (!queue.isEmpty()) {
                ByteBuffer b = queue.peek();
                pending -= channel.write(b);
                if (b.hasRemaining()) {
                    return true;
                }
                queue.poll();
            }
            if (!closed) {
                key.interestOps(SelectionKey.OP_READ);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized long pendingOutputBytes() {
        return pending;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            pending = 0;
        }
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // already gone: nothing left to release
        }
    }

    /**
     * The peer vanished mid-send: the socket closes and the daemon forgets the client. Only reached from
     * {@link #send}, which runs under the daemon's lock, so taking it again here keeps the lock order.
     */
    private void broken() {
        Session s = session;
        close();
        if (s != null) {
            s.disconnected();
        }
    }
}
