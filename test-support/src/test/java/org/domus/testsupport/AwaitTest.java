package org.domus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AwaitTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void returnsOnceAnotherThreadMakesTheConditionTrue() throws Exception {
        AtomicInteger count = new AtomicInteger();
        CountDownLatch polled = new CountDownLatch(3);
        Thread counter = Thread.ofVirtual().start(() -> {
            try {
                polled.await();
            } catch (InterruptedException e) {
                return;
            }
            count.set(7);
        });
        int seen = Await.until(() -> {
            polled.countDown();
            return count.get();
        }, n -> n == 7, LONG, "the count to reach 7");
        assertThat(seen).isEqualTo(7);
        assertThat(polled.getCount()).as("the condition was polled until it held").isZero();
        counter.join();
    }

    @Test
    void aConditionThatNeverHoldsFailsNamingWhatAndTheLastValue() {
        assertThatThrownBy(() -> Await.until(() -> "stopped", s -> s.equals("running"), Duration.ofMillis(30), "d1 running"))
                .isInstanceOf(AssertionError.class).hasMessage("waited PT0.03S for d1 running; last seen: stopped");
        assertThatThrownBy(() -> Await.until(() -> false, Duration.ofMillis(30), "nothing"))
                .isInstanceOf(AssertionError.class).hasMessage("waited PT0.03S for nothing");
    }

    @Test
    void aConditionThatHoldsAtOnceIsNotWaitedFor() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(() -> polls.incrementAndGet() > 0, LONG, "the first poll");
        assertThat(polls).hasValue(1);
    }
}
