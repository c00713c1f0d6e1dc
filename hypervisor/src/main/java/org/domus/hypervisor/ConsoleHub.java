package org.domus.hypervisor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One domain's console for attached viewers ({@code domus console}): the raw bytes the guest prints, a history of
 * the last bytes to replay on attach, and who may type. It outlives the engine domain: a viewer stays attached
 * across a restart, and is let go when the domain ends for good. Several viewers, one writer: the first attached
 * that asks for input gets it, until it detaches.
 * <p>
 * Every viewer has its own bounded queue and sender thread, so one stalled viewer never slows the guest, the
 * multiplexer or another viewer; a viewer that falls that far behind is detached.
 */
final class ConsoleHub {
    /** Bytes of history kept; the replay is the last {@link #REPLAY_LINES} lines of it. */
    static final int HISTORY_BYTES = 16 * 1024;
    static final int REPLAY_LINES = 40;
    /** Chunks queued for one viewer before it counts as stalled. */
    static final int VIEWER_QUEUE = 4096;

    private final byte[] history = new byte[HISTORY_BYTES];
    private int historyStart;
    private int historySize;
    private final List<Viewer> viewers = new ArrayList<>();
    private Viewer writer;
    private boolean ended;

    /** The console output stream {@code in}, every byte read from it also going to the viewers. */
    InputStream tee(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    output(new byte[] {(byte) b}, 0, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    output(b, off, n);
                }
                return n;
            }
        };
    }

    synchronized void output(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            history[(historyStart + historySize) % HISTORY_BYTES] = b[off + i];
            if (historySize < HISTORY_BYTES) {
                historySize++;
            } else {
                historyStart = (historyStart + 1) % HISTORY_BYTES;
            }
        }
        byte[] chunk = Arrays.copyOfRange(b, off, off + len);
        for (Viewer v : List.copyOf(viewers)) {
            v.send(chunk);
        }
    }

    /** A line of Domus's own about this domain (it rebooted, it ended), shown to viewers as its own line. */
    synchronized void note(String text) {
        byte[] line = ("\r\n(domus) " + TerminalText.escape(text) + "\r\n").getBytes(StandardCharsets.UTF_8);
        for (Viewer v : List.copyOf(viewers)) {
            v.send(line);
        }
    }

    /**
     * Attaches a viewer writing to {@code out}: it gets the replay first, then everything the guest prints, once
     * {@link Viewer#start() started}. It holds input when it {@code wantsInput} and nobody else does. Null when the
     * domain has ended.
     */
    synchronized Viewer attach(OutputStream out, boolean wantsInput, String name) {
        if (ended) {
            return null;
        }
        Viewer v = new Viewer(out, name);
        if (wantsInput && writer == null) {
            writer = v;
        }
        viewers.add(v);
        v.send(replay());
        return v;
    }

    synchronized boolean isWriter(Viewer v) {
        return writer == v;
    }

    synchronized void detach(Viewer v) {
        viewers.remove(v);
        if (writer == v) {
            writer = null;
        }
        v.end();
    }

    /** The domain has ended for good: every viewer gets the rest of its queue, then the end of the stream. */
    synchronized void end(String why) {
        note(why);
        ended = true;
        for (Viewer v : List.copyOf(viewers)) {
            v.end();
        }
        viewers.clear();
        writer = null;
    }

    /** The domain is built again ({@code domus create}): viewers may attach again. */
    synchronized void reopen() {
        ended = false;
    }

    /** The last lines of the history, from a line's start (a partial prompt at the end included). */
    private byte[] replay() {
        byte[] all = new byte[historySize];
        for (int i = 0; i < historySize; i++) {
            all[i] = history[(historyStart + i) % HISTORY_BYTES];
        }
        int from = all.length;
        int lines = 0;
        // walk back over REPLAY_LINES line ends (a trailing partial line counts as one)
        for (int i = all.length - 1; i >= 0; i--) {
            if (all[i] == '\n' && i != all.length - 1 && ++lines == REPLAY_LINES) {
                break;
            }
            from = i;
        }
        if (from == 0 && historySize == HISTORY_BYTES) {
            // the oldest line was cut by the ring: start at the next whole one
            int nl = indexOf(all, (byte) '\n');
            from = nl < 0 ? all.length : nl + 1;
        }
        return Arrays.copyOfRange(all, from, all.length);
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** One attached console client; its sender thread writes its queue to the client. */
    final class Viewer {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(VIEWER_QUEUE);
        private final OutputStream out;
        private volatile boolean ended;

        private final String name;

        private Viewer(OutputStream out, String name) {
            this.out = out;
            this.name = name;
        }

        /** Starts sending what is queued: called once the client has had its answer, which must come first. */
        void start() {
            Thread.ofVirtual().name("console-viewer-" + name).start(this::sendLoop);
        }

        private void send(byte[] chunk) {
            if (!ended && !queue.offer(chunk)) {
                // stalled (a terminal suspended with Ctrl-S, a paused pipe): let it go rather than hold bytes
                ended = true;
                detach(this);
            }
        }

        private void end() {
            ended = true;
            if (!queue.offer(END)) {
                queue.clear();      // stalled: what it has not taken is lost anyway
                queue.offer(END);
            }
        }

        /** Until detached: the end mark closes the stream, which the client reads as the end of the console. */
        private void sendLoop() {
            try {
                while (true) {
                    byte[] chunk = queue.take();
                    if (chunk == END) {
                        break;
                    }
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            } finally {
                synchronized (ConsoleHub.this) {
                    viewers.remove(this);
                    if (writer == this) {
                        writer = null;
                    }
                }
                try {
                    out.close();
                } catch (IOException e) {
                    // already gone
                }
            }
        }
    }
}
