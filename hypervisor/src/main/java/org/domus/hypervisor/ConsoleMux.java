package org.domus.hypervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every domain's console lines on one terminal, each prefixed with its domain ({@code (d1) text}), and each
 * in the domain's own log file; Domus's own events are prefixed {@code (domus)}. One line is written whole,
 * so lines of different domains never interleave mid-line.
 */
public final class ConsoleMux implements AutoCloseable {
    private final PrintStream terminal;
    private final Map<Integer, OutputStream> logs = new ConcurrentHashMap<>();

    public ConsoleMux(PrintStream terminal) {
        this.terminal = terminal;
    }

    /** Opens (appending) the log file of domain {@code id}. */
    public void attachLog(int id, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        OutputStream old = logs.put(id, out);
        if (old != null) {
            old.close();
        }
    }

    /** A line the guest printed (without its line ending). */
    public void guestLine(int id, String text) {
        synchronized (terminal) {
            terminal.println("(d" + id + ") " + text);
            terminal.flush();
        }
        OutputStream log = logs.get(id);
        if (log != null) {
            try {
                synchronized (log) {
                    log.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                    log.flush();
                }
            } catch (IOException e) {
                event("cannot write the console log of d" + id + ": " + e.getMessage());
                logs.remove(id);
            }
        }
    }

    /** One of Domus's own events. */
    public void event(String text) {
        synchronized (terminal) {
            terminal.println("(domus) " + text);
            terminal.flush();
        }
    }

    @Override
    public void close() {
        for (OutputStream log : logs.values()) {
            try {
                log.close();
            } catch (IOException e) {
                // closing at exit: nothing left to report it to
            }
        }
        logs.clear();
    }
}
