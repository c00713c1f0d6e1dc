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

    synchronized void add(String text) {
        events.addLast(new Event(Instant.now(), text));
        if (events.size() > KEPT) {
            events.removeFirst();
        }
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }
}
