package org.domus.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

import org.domus.testsupport.Await;

/**
 * The lines a running {@code domus boot} prints, gathered as they come (on a virtual thread, until the process is
 * gone), for a test to look at and wait for while the system runs.
 */
final class OutputLines {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private OutputLines() {
    }

    /** Starts gathering {@code in}'s lines. */
    static OutputLines of(InputStream in) {
        OutputLines out = new OutputLines();
        Thread.ofVirtual().start(() -> out.read(in));
        return out;
    }

    /** The lines so far that {@code match} accepts, in order. */
    List<String> matching(Predicate<String> match) {
        synchronized (lines) {
            return lines.stream().filter(match).toList();
        }
    }

    /** Returns once a line {@code match} accepts has come; fails the test, with all the output, after {@code timeout}. */
    void await(Predicate<String> match, Duration timeout) {
        Await.until(() -> "\n" + String.join("\n", matching(l -> true)), out -> out.lines().anyMatch(match), timeout,
                "a matching line of the output");
    }

    private void read(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                lines.add(l);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }
}
