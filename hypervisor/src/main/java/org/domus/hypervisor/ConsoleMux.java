package org.domus.hypervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every domain's console lines on one terminal, each prefixed with its domain ({@code (d1) text}), and each
 * in the domain's own log file; Domus's own events are prefixed {@code (domus)}. One line is written whole,
 * so lines of different domains never interleave mid-line.
 * <p>
 * The one exception is the domain that holds console input (see {@link ConsoleInput}): its unfinished line (a
 * shell's prompt, the echo of what is being typed) is shown as it comes, or a user would type blind. Another
 * line printed meanwhile erases that partial line, takes its place, and the partial line is drawn again below.
 * Without console input nothing holds the focus and every line is printed whole, as before.
 * <p>
 * Nothing a guest prints reaches the terminal as a control (see {@link TerminalText}): a finished line shows its
 * controls escaped, a carriage return included, so the text before it stays in sight; the holder's unfinished
 * line is shown as the terminal would show it after the guest's line editing (backspace, carriage return, cursor
 * left and right, erase), drawn by Domus. The log file gets each line's bytes as the guest sent them.
 */
public final class ConsoleMux implements AutoCloseable {
    private static final int NO_FOCUS = Integer.MIN_VALUE;
    /** Back to column 0 and clear the row: where a partial line was. */
    private static final String ERASE = "\r\033[K";
    private static final String CURSOR_QUERY = TerminalText.CURSOR_QUERY;

    private final PrintStream terminal;
    private final EventLog events = new EventLog();
    private final Map<Integer, OutputStream> logs = new ConcurrentHashMap<>();
    /** Each domain's line so far, kept so that switching input to it shows its prompt at once. Guarded by terminal. */
    private final Map<Integer, String> partials = new HashMap<>();
    /** Who holds console input. Guarded by terminal. */
    private int focus = NO_FOCUS;
    /**
     * The focused domain's partial line as it is on screen now (edited, see {@link TerminalText#edit}), null when
     * none is; {@code shownBack}: how far the cursor stands left of its end. Guarded by terminal.
     */
    private String shown;
    private int shownBack;
    /** Input has stopped: the holder's partial line is no longer shown as it grows. Guarded by terminal. */
    private boolean frozen;

    public ConsoleMux(PrintStream terminal) {
        this.terminal = terminal;
    }

    /**
     * Opens (appending) the log file of domain {@code id}, rotated at {@link RotatingLog#DEFAULT_LIMIT} into
     * {@code console.log.1}.
     */
    public void attachLog(int id, Path file) throws IOException {
        attachLog(id, file, RotatingLog.DEFAULT_LIMIT);
    }

    void attachLog(int id, Path file, long limit) throws IOException {
        Files.createDirectories(file.getParent());
        OutputStream out = new RotatingLog(file, limit);
        OutputStream old = logs.put(id, out);
        if (old != null) {
            old.close();
        }
    }

    /** Domus's own events so far. */
    public EventLog events() {
        return events;
    }

    /** A line the guest printed (without its line ending), its bytes as they came, controls and all. */
    public void guestLine(int id, String text) {
        synchronized (terminal) {
            partials.remove(id);
            // a finished line asks the terminal nothing: its answer would be typed into whoever holds input, or
            // into the user's shell once Domus has gone (busybox's prompt has such a query)
            if (id == focus && shown != null) {
                // the line the user watched being edited ends as they saw it
                String edited = TerminalText.edit(text).text();
                if (shownBack == 0 && edited.startsWith(shown)) {
                    terminal.println(edited.substring(shown.length()).replace(CURSOR_QUERY, ""));
                } else {
                    // the line went another way than shown (a UTF-8 character split across reads): print it whole
                    terminal.print(ERASE);
                    terminal.println("(d" + id + ") " + edited.replace(CURSOR_QUERY, ""));
                }
                shown = null;
            } else {
                printLine("(d" + id + ") " + TerminalText.line(text));
            }
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

    /**
     * What a domain has printed of a line not yet ended (without CR/LF), its whole text so far; shown only for
     * the domain that holds input.
     */
    void guestPartial(int id, String text) {
        synchronized (terminal) {
            partials.put(id, text);
            if (id == focus && !frozen) {
                show(text);
                terminal.flush();
            }
        }
    }

    /** One of Domus's own events; it is also kept for {@code domus dmesg}. */
    public void event(String text) {
        String safe = events.add(text).text();
        synchronized (terminal) {
            printLine("(domus) " + safe);
            terminal.flush();
        }
    }

    /**
     * Console input has moved to domain {@code id} (any other number: to no domain): the old holder's partial line
     * stays on screen as it was, {@code message} is printed, then the new holder's partial line, e.g. its prompt.
     */
    void focus(int id, String message) {
        synchronized (terminal) {
            if (shown != null) {
                terminal.println();
                shown = null;
            }
            focus = id;
            frozen = false;
            terminal.println("(domus) " + TerminalText.escape(message));
            String partial = partials.get(id);
            if (partial != null) {
                show(partial);
            }
            terminal.flush();
        }
    }

    /**
     * Console input has stopped: the holder's partial line stays on screen until its line ends (at the latest when
     * the domain goes), but it grows no more, so no cursor query is sent to a terminal nobody reads.
     */
    void unfocus() {
        synchronized (terminal) {
            frozen = true;
        }
    }

    /** A whole line, in place of the partial line on screen if there is one, which is then drawn again below. */
    private void printLine(String line) {
        if (shown == null) {
            terminal.println(line);
            return;
        }
        terminal.print(ERASE);
        terminal.println(line);
        // drawn again without the cursor query: it was answered the first time
        terminal.print("(d" + focus + ") " + shown.replace(CURSOR_QUERY, "") + left(shownBack));
    }

    /** Shows the holder's partial line {@code text} (raw, as the guest sent it) in place of what is shown. */
    private void show(String text) {
        TerminalText.Edited edited = TerminalText.edit(text);
        String now = edited.text();
        if (shown == null) {
            terminal.print("(d" + focus + ") " + now);
        } else if (shownBack == 0 && now.startsWith(shown)) {
            terminal.print(now.substring(shown.length()));
        } else {
            terminal.print(ERASE + "(d" + focus + ") " + now);
        }
        terminal.print(left(edited.back()));
        shown = now;
        shownBack = edited.back();
    }

    /** Moves the cursor {@code cells} to the left, where the guest's line editor has it. */
    private static String left(int cells) {
        return cells == 0 ? "" : "\033[" + cells + "D";
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
