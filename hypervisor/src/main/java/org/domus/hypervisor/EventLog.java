package org.domus.hypervisor;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Domus's own events (what prints as {@code (domus) …}), timestamped and kept for {@code domus dmesg}. */
public final class EventLog {
    /** Enough for a long-running system's history without growing for ever. */
    static final int KEPT = 2000;

    /** One event. */
    public record Event(Instant time, String text) {
    }

    private final Deque<Event> events = new ArrayDeque<>();

    EventLog() {
    }

    /**
     * Records {@code text}, with its controls shown escaped: events quote names a guest or a host tool chose, and are
     * printed on terminals and in {@code domus.log}; returns the event as kept.
     */
    synchronized Event add(String text) {
        Event e = new Event(Instant.now(), TerminalText.escape(text));
        events.addLast(e);
        if (events.size() > KEPT) {
            events.removeFirst();
        }
        return e;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }
}
