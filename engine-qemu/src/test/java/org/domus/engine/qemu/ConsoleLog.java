package org.domus.engine.qemu;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Everything a domain's console printed, read by a thread of its own, with waits that fail with the console's tail. */
final class ConsoleLog {
    private final QemuDomain domain;
    private final String stopAt;
    private final List<String> lines = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>(); // System.nanoTime() when each line was read
    private final StringBuilder partial = new StringBuilder();
    private boolean ended;

    private ConsoleLog(QemuDomain domain, String stopAt) {
        this.domain = domain;
        this.stopAt = stopAt;
    }

    static ConsoleLog follow(QemuDomain domain) {
        return followUntil(domain, null);
    }

    /** Reads up to the first line containing {@code stopAt}, then leaves the console unread (null: to its end). */
    static ConsoleLog followUntil(QemuDomain domain, String stopAt) {
        var log = new ConsoleLog(domain, stopAt);
        Thread.ofPlatform().daemon().name("test-console").start(log::read);
        return log;
    }

    /** The first line containing {@code text}, waiting up to {@code timeout}. */
    String await(String text, Duration timeout) throws InterruptedException {
        return await(l -> l.contains(text), "a line with \"" + text + "\"", timeout);
    }

    synchronized String await(Predicate<String> wanted, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (wanted.test(lines.get(seen))) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                fail("%s: no %s within %s%s; console tail:%n%s%nQEMU log tail: %s".formatted(domain, what, timeout,
                        ended ? " (console ended)" : "", tail(15), qemuLog()));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** When the first line containing {@code text} was read (System.nanoTime()), waiting for it up to {@code timeout}. */
    synchronized long awaitArrival(String text, Duration timeout) throws InterruptedException {
        String line = await(text, timeout);
        return arrivals.get(lines.indexOf(line));
    }

    synchronized long count(String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    synchronized String tail(int n) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size())) + "\n" + partial;
    }

    private String qemuLog() {
        try {
            return Files.readString(domain.log()).strip();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void read() {
        InputStream in = domain.console().output();
        byte[] buf = new byte[8192];
        try {
            int n;
            boolean more = true;
            while (more && (n = stopAt == null ? in.read(buf) : in.read(buf, 0, 1)) >= 0) { // byte by byte: stop right at the line
                String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                synchronized (this) {
                    for (char c : s.toCharArray()) {
                        if (c == '\n') {
                            lines.add(partial.toString());
                            arrivals.add(System.nanoTime());
                            more = stopAt == null || !partial.toString().contains(stopAt);
                            partial.setLength(0);
                        } else if (c != '\r') {
                            partial.append(c);
                        }
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // ended
        }
        synchronized (this) {
            ended = true;
            notifyAll();
        }
    }
}
