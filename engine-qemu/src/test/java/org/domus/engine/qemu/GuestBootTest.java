package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Debian's kernels and busybox in QEMU, one domain at a time, to each way a domain can end. */
@EndToEnd
@Timeout(120)
class GuestBootTest {
    private static final Duration BOOT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void twoVcpusReachReadyAndPowerOff() throws Exception {
        TestQemu.require(Arch.ARM64);
        var spec = TestGuest.arm64().spec("d1", 2, "poweroff", work);
        long built = System.nanoTime();
        try (var d = TestQemu.ENGINE.build(spec)) {
            var console = ConsoleLog.follow(d);
            long t0 = System.nanoTime();
            d.start();
            assertThat(d.vcpuThreadIds()).hasSize(2);
            long ready = console.awaitArrival("DOMUS-READY", BOOT);
            System.out.printf("d1: build %d ms, then DOMUS-READY %d ms after start (2 vCPUs)%n", (t0 - built) / 1_000_000,
                    (ready - t0) / 1_000_000);
            assertThat(console.await("DOMUS-READY", BOOT)).startsWith("DOMUS-READY d1 cpus=2 mem=");
            assertThat(TestQemu.exit(d, BOOT)).isEqualTo(new ExitReason.PowerOff());
        }
    }

    /** The x86 path: qemu-system-x86_64 -M pc, a bzImage, COM1 as console; TCG here (this host's KVM is nested). */
    @Test
    void anX86GuestReachesReadyAndPowersOff() throws Exception {
        var spec = TestGuest.x86_64().spec("x1", 2, "poweroff", work);
        try (var d = TestQemu.ENGINE.build(spec)) {
            var console = ConsoleLog.follow(d);
            d.start();
            assertThat(d.qmp().execute("query-target").path("arch").asText()).isEqualTo("x86_64");
            assertThat(console.await("DOMUS-READY", BOOT)).startsWith("DOMUS-READY x1 cpus=2 mem=");
            assertThat(TestQemu.exit(d, BOOT)).isEqualTo(new ExitReason.PowerOff());
        }
    }

    @Test
    void aGuestRebootIsAReboot() throws Exception {
        TestQemu.require(Arch.ARM64);
        try (var d = TestQemu.ENGINE.build(TestGuest.arm64().spec("d2", 1, "reboot", work))) {
            var console = ConsoleLog.follow(d);
            d.start();
            console.await("DOMUS-READY d2", BOOT);
            assertThat(TestQemu.exit(d, BOOT)).isEqualTo(new ExitReason.Reboot());
        }
    }

    @Test
    void aKernelPanicIsACrashWithThePanicLine() throws Exception {
        TestQemu.require(Arch.ARM64);
        try (var d = TestQemu.ENGINE.build(TestGuest.arm64().spec("d3", 1, "panic", work))) {
            var console = ConsoleLog.follow(d);
            d.start();
            console.await("DOMUS-READY d3", BOOT);
            ExitReason reason = TestQemu.exit(d, BOOT);
            assertThat(reason).isEqualTo(new ExitReason.Crash("Kernel panic - not syncing: sysrq triggered crash"));
            // Debian's kernel waits forever after a panic: QEMU is kept, paused, until the domain is destroyed
            assertThat(d.qmp().execute("query-status").path("status").asText()).isEqualTo("paused");
            assertThatThrownBy(d::start).hasMessage("d3 has ended: it crashed (Kernel panic - not syncing: sysrq triggered crash)");
            d.destroy();
            assertThat(ProcessHandle.of(d.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(TestQemu.exit(d, BOOT)).isEqualTo(reason);
        }
    }

    @Test
    void typedInputReachesTheGuestShell() throws Exception {
        TestQemu.require(Arch.ARM64);
        try (var d = TestQemu.ENGINE.build(TestGuest.arm64().spec("d4", 1, "shell", work))) {
            var console = ConsoleLog.follow(d);
            d.start();
            console.await("DOMUS-READY d4", BOOT);
            var in = d.console().input();
            in.write("echo DOMUS-$((6 * 7))\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            console.await(l -> l.startsWith("DOMUS-42"), "the shell's answer", Duration.ofSeconds(30));
            in.write("poweroff -f\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            assertThat(TestQemu.exit(d, BOOT)).isEqualTo(new ExitReason.PowerOff());
            assertThat(d.console().droppedBytes()).isZero();
        }
    }
}
