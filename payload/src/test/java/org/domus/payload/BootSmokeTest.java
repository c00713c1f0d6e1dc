package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The payload boots under plain QEMU, reports, and acts on domus.action: the contract the engine tests rely on. */
@EndToEnd
class BootSmokeTest {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @Test
    @Timeout(200)
    void reportsItsCmdlineAndPowersOff() throws Exception {
        GuestPayload payload = TestGuest.arm64();
        Path qemu = TestGuest.qemuAarch64();
        String append = "console=ttyAMA0 domus.name=smoke domus.action=cmdline";
        try (QemuRun run = QemuRun.start(qemu, payload, 2, append)) {
            boolean exited = run.exits(LIMIT);
            assertThat(exited).as("QEMU ends by itself within %s after the guest's poweroff%s", LIMIT, run.tail()).isTrue();
            String console = run.console();
            Matcher ready = Pattern.compile("DOMUS-READY smoke cpus=2 mem=(\\d+)kB\\r?\\n").matcher(console);
            assertThat(ready.find()).as("DOMUS-READY line%s", run.tail()).isTrue();
            assertThat(Long.parseLong(ready.group(1))).as("MemTotal of a 128 MiB guest, kB").isBetween(64_000L, 131_072L);
            assertThat(console).as("one DOMUS-READY line%s", run.tail()).containsOnlyOnce("DOMUS-READY");
            assertThat(console).as("DOMUS-CMDLINE line%s", run.tail()).containsPattern("DOMUS-CMDLINE " + Pattern.quote(append) + "\\r?\\n");
            assertThat(run.exitCode()).as("QEMU's exit code%s", run.tail()).isZero();
            System.out.printf("boot smoke: %s %s, busybox %s: ready, cmdline and poweroff in %.1f s%n",
                    payload.kernelPackage(), payload.kernelVersion(), payload.busyboxVersion(), run.seconds());
        }
    }

    /** The loop action keeps printing numbered ticks until the domain is destroyed. */
    @Test
    @Timeout(200)
    void loopTicksUntilDestroyed() throws Exception {
        GuestPayload payload = TestGuest.arm64();
        Path qemu = TestGuest.qemuAarch64();
        try (QemuRun run = QemuRun.start(qemu, payload, 1, "console=ttyAMA0 quiet domus.name=ticker domus.action=loop")) {
            boolean ticked = run.awaitConsole(c -> c.contains("DOMUS-TICK ticker 3"), LIMIT);
            assertThat(ticked).as("four ticks within %s%s", LIMIT, run.tail()).isTrue();
            List<String> ticks = run.console().lines().map(String::strip).filter(l -> l.startsWith("DOMUS-TICK")).limit(4).toList();
            assertThat(ticks).as(run.tail()).containsExactly("DOMUS-TICK ticker 0", "DOMUS-TICK ticker 1",
                    "DOMUS-TICK ticker 2", "DOMUS-TICK ticker 3");
            assertThat(run.console()).contains("DOMUS-READY ticker cpus=1 mem=");
        }
    }
}
