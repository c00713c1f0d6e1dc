package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three domains built side by side and started at once; one crashes, and the others do not notice. */
@EndToEnd
@Timeout(150)
class ParallelDomainsTest {
    private static final Duration BOOT = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @Test
    void aPanicInOneDomainLeavesTheOthersRunning() throws Exception {
        TestQemu.require(Arch.ARM64);
        TestGuest guest = TestGuest.arm64();
        List<String> actions = List.of("panic", "loop", "poweroff");
        List<QemuDomain> domains = new ArrayList<>();
        try (ExecutorService builders = Executors.newFixedThreadPool(actions.size())) {
            List<Future<QemuDomain>> built = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                String name = "p" + (i + 1);
                String action = actions.get(i);
                built.add(builders.submit(() -> TestQemu.ENGINE.build(guest.spec(name, 1, action, work.resolve(name)))));
            }
            for (Future<QemuDomain> f : built) {
                domains.add(f.get());
            }
        }
        try {
            var panicking = domains.get(0);
            var ticking = domains.get(1);
            var poweringOff = domains.get(2);
            List<ConsoleLog> consoles = domains.stream().map(ConsoleLog::follow).toList();
            long t0 = System.nanoTime();
            for (QemuDomain d : domains) {
                d.start();
            }
            for (int i = 0; i < domains.size(); i++) {
                long ready = consoles.get(i).awaitArrival("DOMUS-READY p" + (i + 1), BOOT);
                System.out.printf("p%d: DOMUS-READY %d ms after start (3 at once)%n", i + 1, (ready - t0) / 1_000_000);
            }
            assertThat(TestQemu.exit(panicking, BOOT)).isEqualTo(new ExitReason.Crash("Kernel panic - not syncing: sysrq triggered crash"));
            assertThat(TestQemu.exit(poweringOff, BOOT)).isEqualTo(new ExitReason.PowerOff());

            long ticksAtCrash = consoles.get(1).count("DOMUS-TICK p2");
            consoles.get(1).await("DOMUS-TICK p2 " + (ticksAtCrash + 3), Duration.ofSeconds(30));
            assertThat(ticking.exited().toCompletableFuture()).isNotDone();
            assertThat(ticking.vcpuThreadIds()).hasSize(1);
            ticking.destroy();
            assertThat(TestQemu.exit(ticking, Duration.ofSeconds(5))).isEqualTo(new ExitReason.Destroyed());
        } finally {
            CompletableFuture.allOf(domains.stream().map(d -> CompletableFuture.runAsync(d::destroy)).toArray(CompletableFuture[]::new)).join();
        }
        for (QemuDomain d : domains) {
            assertThat(ProcessHandle.of(d.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }
}
