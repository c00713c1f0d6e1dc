package org.domus.payload;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The one stderr line a download prints: "domus: fetching NAME VERSION 27.3 MiB… done in 4.1 s". On a terminal
 * the line is redrawn with {@code \r} as bytes arrive (apt writes into {@code folder}, so its size is the count);
 * elsewhere (CI logs) it is written once and finished with "done", so logs get no carriage-return noise.
 */
final class DownloadProgress {
    private static final long REDRAW_MILLIS = 250;

    private final PrintStream out;
    private final boolean terminal;
    private final String head;
    private final long size;
    private final Path folder;
    private final long startNanos = System.nanoTime();
    private Thread redraw;

    DownloadProgress(PrintStream out, boolean terminal, DebianPackage pkg, Path folder) {
        this.out = out;
        this.terminal = terminal;
        this.head = "domus: fetching " + pkg.name() + " " + pkg.version() + " ";
        this.size = pkg.size();
        this.folder = folder;
    }

    /** True when this process's stderr is a terminal (Java has no isatty for stderr; /proc knows). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    void start() {
        if (!terminal) {
            out.print(head + mib(size) + "… ");
            out.flush();
            return;
        }
        draw(0);
        redraw = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(REDRAW_MILLIS);
                    draw(bytesSoFar());
                }
            } catch (InterruptedException e) {
                // finished: the closing line is drawn by finish()
            }
        });
    }

    void done() {
        finish(String.format(Locale.ROOT, "done in %.1f s", (System.nanoTime() - startNanos) / 1e9));
    }

    void failed() {
        finish("failed");
    }

    private void finish(String word) {
        if (redraw != null) {
            redraw.interrupt();
            try {
                redraw.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.print("\r" + head + mib(size) + "… " + word + "\033[K\n");
        } else {
            out.print(word + "\n");
        }
        out.flush();
    }

    private synchronized void draw(long bytes) {
        out.print("\r" + head + mib(Math.min(bytes, size)).replace(" MiB", "") + "/" + mib(size) + "…\033[K");
        out.flush();
    }

    private long bytesSoFar() {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;   // apt renamed it between the listing and the look
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
