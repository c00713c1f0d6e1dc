package org.domus.engine.qemu;

/**
 * An asynchronous QMP event, such as {@code SHUTDOWN} (data {@code {"guest": true, "reason": "guest-reset"}}),
 * {@code RESET}, {@code STOP}, {@code RESUME} or {@code GUEST_PANICKED}.
 *
 * @param name the event's name
 * @param data its {@code data} member (an empty object when it has none)
 */
public record QmpEvent(String name, QmpValue data) {
    /** A text member of {@code data}, or "" when absent. */
    public String text(String member) {
        return data.path(member).asText("");
    }
}
