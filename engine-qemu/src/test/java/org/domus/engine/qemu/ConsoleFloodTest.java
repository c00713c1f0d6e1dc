package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.domus.image.Arch;
import org.domus.testsupport.Await;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest flooding a console nobody reads: its bytes are dropped and counted once the buffer is full, its QEMU keeps
 * answering QMP, and a neighbour's console keeps flowing.
 */
@EndToEnd
@Timeout(120)
class ConsoleFloodTest {
    private static final Duration BOOT = Duration.ofSeconds(60);
    /** The PL011 under TCG carries ~360 KB/s here: the 1 MiB buffer fills in about three seconds. */
    private static final Duration FILL = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void anUnreadFloodIsDroppedAndCountedWithoutSlowingTheNeighbour() throws Exception {
        TestQemu.require(Arch.ARM64);
        TestGuest guest = TestGuest.arm64();
        try (var flooder = TestQemu.ENGINE.build(guest.spec("flood", 1, "shell", work.resolve("flood")));
             var ticker = TestQemu.ENGINE.build(guest.spec("tick", 1, "loop", work.resolve("tick")))) {
            var flooding = ConsoleLog.followUntil(flooder, "DOMUS-READY");
            var ticking = ConsoleLog.follow(ticker);
            flooder.start();
            ticker.start();
            flooding.await("DOMUS-READY flood", BOOT);
            ticking.await("DOMUS-READY tick", BOOT);
            flooder.console().input().write("yes 0123456789012345678901234567890123456789012345678901234567890123456789\n"
                    .getBytes(StandardCharsets.US_ASCII));

            Await.until(() -> flooder.console().droppedBytes() > 0, FILL, "bytes dropped by the unread flooding console");
            assertThat(flooder.qmp().execute("query-status").path("status").asText()).isEqualTo("running");

            long from = ticking.count("DOMUS-TICK tick");
            ticking.await("DOMUS-TICK tick " + (from + 5), Duration.ofSeconds(20)); // ~0.2 s apart when not starved
            assertThat(ticker.console().droppedBytes()).isZero();
        }
    }
}
