package org.domus.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assertions;

/**
 * Waiting for a condition instead of sleeping for a guessed time: a sleep is too short on a loaded machine (a flaky
 * test) and too long on an idle one (a slow test). The condition is checked at once, then every few milliseconds,
 * backing off to {@value #MAX_POLL_MS} ms, until it holds or the timeout passes; the timeout is only an upper bound
 * for a hung system, so it can be generous.
 */
public final class Await {
    private static final long FIRST_POLL_MS = 5;
    static final long MAX_POLL_MS = 100;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails the test naming {@code what} when it does not within {@code timeout}. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        until(condition::getAsBoolean, ok -> ok, timeout, what);
    }

    /**
     * Returns the first value of {@code value} that {@code ok} accepts; fails the test naming {@code what}, and the
     * last value seen, when none does within {@code timeout}.
     */
    public static <T> T until(Supplier<T> value, Predicate<? super T> ok, Duration timeout, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        long poll = FIRST_POLL_MS;
        while (true) {
            T last = value.get();
            if (ok.test(last)) {
                return last;
            }
            if (System.nanoTime() - end > 0) {
                String seen = last instanceof Boolean ? "" : "; last seen: " + last;
                throw Assertions.<AssertionError>fail("waited %s for %s%s".formatted(timeout, what, seen));
            }
            try {
                Thread.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Assertions.<AssertionError>fail("interrupted while waiting for " + what);
            }
            poll = Math.min(poll * 2, MAX_POLL_MS);
        }
    }
}
