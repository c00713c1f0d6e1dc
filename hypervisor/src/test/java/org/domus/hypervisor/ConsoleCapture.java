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
        }
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
