package org.domus.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

import org.domus.uboot.BoardMemory;
import org.domus.uboot.Replay;
import org.domus.uboot.Sizes;
import org.domus.uboot.TransferProgress;

/**
 * What a replay shows: the script's own output ({@code echo}, {@code printenv}, {@code fdt print}) on stdout, and
 * Domus's account of it on stderr as {@code (domus)} lines. A download is one line: on a terminal it is redrawn in
 * place as bytes arrive (at most ten times a second), elsewhere only its final line is printed.
 */
final class ReplayDisplay implements Replay.Listener {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private boolean partial;

    ReplayDisplay(PrintWriter out, PrintWriter err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void print(String line) {
        endPartial();
        out.println(line);
        out.flush();
    }

    @Override
    public TransferProgress transfer(String location, String source) {
        if (!terminal) {
            return TransferProgress.NONE;
        }
        return new TransferProgress() {
            private long last;

            @Override
            public void transferred(long bytes, long total) {
                long now = System.nanoTime();
                if (now - last < REDRAW_NANOS && (total < 0 || bytes < total)) {
                    return;
                }
                last = now;
                String amount = total >= 0 ? "%s of %s (%d%%)".formatted(Sizes.human(bytes), Sizes.human(total),
                        total == 0 ? 100 : bytes * 100 / total) : Sizes.human(bytes);
                err.print("\r\033[K(domus) %s: %s: %s".formatted(location, source, amount));
                err.flush();
                partial = true;
            }
        };
    }

    @Override
    public void loaded(String location, BoardMemory.Load load, Duration took) {
        String line = "(domus) %s: %s: %s at 0x%x..0x%x in %s".formatted(location, load.origin(), Sizes.human(load.size()),
                load.start(), load.end(), seconds(took));
        if (partial) {
            err.print("\r\033[K");
            partial = false;
        }
        err.println(line);
        err.flush();
    }

    @Override
    public void warning(String location, String message) {
        endPartial();
        err.println(location + ": warning: " + message);
        err.flush();
    }

    void event(String text) {
        endPartial();
        err.println("(domus) " + text);
        err.flush();
    }

    private void endPartial() {
        if (partial) {
            err.println();
            partial = false;
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }
}
