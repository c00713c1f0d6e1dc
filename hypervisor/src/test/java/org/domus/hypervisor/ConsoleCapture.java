package org.domus.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What a {@link ConsoleMux} prints, kept line by line so that a test can wait for a line and look at the order. */
final class ConsoleCapture extends OutputStream {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();

    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            lines.add(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
            notifyAll();
        } else {
            partial.write(b);
            notifyAll();
        }
    }

    /** What is printed after the last line, as it is on screen (after the last erase, if any). */
    synchronized String partial() {
        return onScreen(partial.toString(StandardCharsets.UTF_8));
    }

    /**
     * A captured line as it ends up on screen: a partial line erased by {@code \r ESC[K} is gone, and so are the
     * guest's own terminal controls (busybox asks for the cursor position after its prompt).
     */
    static String onScreen(String line) {
        int erase = line.lastIndexOf("\r\033[K");
        String text = erase < 0 ? line : line.substring(erase + 4);
        return text.replaceAll("\033\\[[0-9;?]*[A-Za-z]", "");
    }

    /** Waits until the unfinished last line matches. */
    synchronized String awaitPartial(Predicate<String> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!match.test(partial())) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + timeout + " for the partial line; it is '"
                        + partial.toString(StandardCharsets.UTF_8).replace("\033", "ESC")
                        + "', lines were:\n" + String.join("\n", lines));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return partial();
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until {@code count} lines match; fails with everything printed so far when they do not come. */
    synchronized List<String> await(Predicate<String> match, int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> found = lines.stream().filter(match).toList();
            if (found.size() >= count) {
                return found;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + timeout + " for " + count + " matching lines; console was:\n"
                        + String.join("\n", lines));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
