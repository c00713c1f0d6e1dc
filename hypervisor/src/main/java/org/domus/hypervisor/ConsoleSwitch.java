package org.domus.hypervisor;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Xen's conswitch as pure logic: which domain the typed bytes are for, and when the input moves on. Three
 * Ctrl-&lt;letter&gt; in a row move input to the next running domain in plan order, then to Domus itself (as Xen
 * has its own stop in the cycle), then around again. The switch keys are held while they may still become a
 * switch; any other key releases them to the current holder, so a single Ctrl-A (the shell's start-of-line,
 * screen's prefix) still reaches the guest, one key late, exactly as Xen's {@code serial_rx} does it.
 */
final class ConsoleSwitch {
    /** The stop of the cycle where Domus holds the input (dom0 is d0, so ids start at 0). */
    static final int DOMUS = -1;
    private static final int PRESSES = 3;

    /** What to do with the bytes of one read, in order. */
    sealed interface Step {
    }

    /** Bytes for a domain's console. */
    record Send(int domain, byte[] bytes) implements Step {
    }

    /** Input has moved to {@code domain} ({@link #DOMUS} for Domus). */
    record Switch(int domain) implements Step {
    }

    /** A key typed while Domus holds the input. */
    record Command(byte key) implements Step {
    }

    private final byte key;
    private final int[] cycle;
    private final IntPredicate running;
    private int current;
    private int held;

    /**
     * @param letter  the conswitch letter ('a' for Ctrl-A)
     * @param domains domain ids in plan order
     * @param running whether a domain can still take input (not shut down, crashed or destroyed)
     */
    ConsoleSwitch(char letter, List<Integer> domains, IntPredicate running) {
        this.key = (byte) (letter & 0x1f);
        this.cycle = domains.stream().mapToInt(Integer::intValue).toArray();
        this.running = running;
        this.current = cycle.length > 0 ? cycle[0] : DOMUS;
    }

    /** Who holds the input now. */
    int current() {
        return current;
    }

    /** The Ctrl- letter of the switch key, upper case as it is written ("Ctrl-A"). */
    char letter() {
        return (char) ('A' + key - 1);
    }

    /**
     * Moves off a domain that has finished, so that input never goes to a console nobody reads.
     * Returns the switch, or null when the holder is still running.
     */
    Switch followRunning() {
        if (current == DOMUS || running.test(current)) {
            return null;
        }
        current = next(current);
        held = 0;
        return new Switch(current);
    }

    /** The steps for bytes typed; held switch keys carry over from one call to the next. */
    List<Step> feed(byte[] buf, int off, int len) {
        List<Step> steps = new ArrayList<>();
        Switch moved = followRunning();
        if (moved != null) {
            // typed in the instant the holder finished: meant for it, so dropped rather than sent elsewhere
            steps.add(moved);
            return steps;
        }
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (b == key) {
                if (++held == PRESSES) {
                    held = 0;
                    flush(pending, steps);
                    current = next(current);
                    steps.add(new Switch(current));
                }
                continue;
            }
            for (; held > 0; held--) {
                deliver(key, pending, steps);
            }
            deliver(b, pending, steps);
        }
        flush(pending, steps);
        return steps;
    }

    private void deliver(byte b, ByteArrayOutputStream pending, List<Step> steps) {
        if (current == DOMUS) {
            steps.add(new Command(b));
        } else {
            pending.write(b);
        }
    }

    private void flush(ByteArrayOutputStream pending, List<Step> steps) {
        if (pending.size() > 0) {
            steps.add(new Send(current, pending.toByteArray()));
            pending.reset();
        }
    }

    /** The next running domain after {@code from} in plan order, passing through Domus's stop at the end. */
    private int next(int from) {
        int at = indexOf(from);
        for (int step = 1; step <= cycle.length + 1; step++) {
            int i = (at + step) % (cycle.length + 1);
            if (i == cycle.length) {
                return DOMUS;
            }
            if (running.test(cycle[i])) {
                return cycle[i];
            }
        }
        return DOMUS;
    }

    private int indexOf(int id) {
        for (int i = 0; i < cycle.length; i++) {
            if (cycle[i] == id) {
                return i;
            }
        }
        return cycle.length;
    }
}
