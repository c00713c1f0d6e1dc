package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QMP against a real QEMU with no guest: {@code -S} and no kernel, so nothing runs and nothing needs a payload. */
@EndToEnd
@Timeout(60)
class QmpClientTest {
    @TempDir
    Path work;

    @Test
    void negotiatesAndReportsQemusVersion() throws Exception {
        QemuBinary qemu = TestQemu.require(Arch.ARM64);
        try (var d = TestQemu.emptyMachine(work, "qmp", 1)) {
            var status = d.qmp().execute("query-status");
            assertThat(status.path("status").asText()).isEqualTo("prelaunch");
            assertThat(status.path("running").asBoolean()).isFalse();
            assertThat(d.qmp().qemuVersion()).isEqualTo(qemu.askVersion()); // the greeting and --version agree
        }
    }

    @Test
    void vcpuThreadIdsAreThreadsOfQemu() throws Exception {
        try (var d = TestQemu.emptyMachine(work, "cpus", 3)) {
            List<Long> ids = d.vcpuThreadIds();
            assertThat(ids).hasSize(3).doesNotHaveDuplicates();
            for (long tid : ids) {
                Path task = Path.of("/proc", Long.toString(d.pid()), "task", Long.toString(tid));
                assertThat(task).exists();
                assertThat(Files.readString(task.resolve("comm")).strip()).startsWith("CPU ").endsWith("/TCG");
            }
        }
    }

    @Test
    void stopAndContAreAnsweredWithEvents() throws Exception {
        try (var d = TestQemu.emptyMachine(work, "events", 1)) {
            var events = new LinkedBlockingQueue<String>();
            d.qmp().addListener(e -> events.add(e.name()));
            d.start();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("RESUME");
            d.pause();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("STOP");
            assertThat(d.qmp().execute("query-status").path("status").asText()).isEqualTo("paused");
            d.start();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("RESUME");
            d.powerButton(); // the guest decides; with no guest nothing happens, and QEMU says yes
            assertThat(d.qmp().execute("query-status").path("status").asText()).isEqualTo("running");
        }
    }

    @Test
    void qemusErrorsCarryItsDescription() throws Exception {
        try (var d = TestQemu.emptyMachine(work, "errors", 1)) {
            assertThatThrownBy(() -> d.qmp().execute("no-such-command"))
                    .isInstanceOf(EngineException.class)
                    .hasMessage("errors: QEMU: The command no-such-command has not been found");
            assertThatThrownBy(() -> d.qmp().execute("query-cpus-fast", Map.of("bogus", 1)))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("bogus");
            assertThat(d.qmp().execute("query-status").path("status").asText()).isEqualTo("prelaunch");
        }
    }

    @Test
    void quitOverQmpEndsTheDomain() throws Exception {
        var d = TestQemu.emptyMachine(work, "quit", 1);
        d.qmp().quit(Duration.ofSeconds(5));
        assertThat(TestQemu.exit(d, Duration.ofSeconds(10))).isEqualTo(new ExitReason.Destroyed());
        assertThat(ProcessHandle.of(d.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(d.qmp().closed()).isDone();
        assertThatThrownBy(d::start).isInstanceOf(EngineException.class).hasMessage("quit has ended: it was destroyed");
        d.destroy(); // still fine after the end
    }

    @Test
    void destroyEndsTheDomainOnceAndIsIdempotent() throws Exception {
        var d = TestQemu.emptyMachine(work, "destroy", 2);
        d.start();
        var first = new CompletableFuture<Void>();
        var t = Thread.ofPlatform().start(() -> {
            d.destroy();
            first.complete(null);
        });
        d.destroy();
        t.join(10_000);
        assertThat(first).isDone();
        assertThat(TestQemu.exit(d, Duration.ofSeconds(1))).isEqualTo(new ExitReason.Destroyed());
        assertThat(ProcessHandle.of(d.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aResetFromTheHostIsAReboot() throws Exception {
        var d = TestQemu.emptyMachine(work, "reset", 1);
        d.reset(); // -no-reboot: QEMU exits with SHUTDOWN reason host-qmp-system-reset
        assertThat(TestQemu.exit(d, Duration.ofSeconds(10))).isEqualTo(new ExitReason.Reboot());
        d.destroy();
        assertThat(TestQemu.exit(d, Duration.ofSeconds(1))).isEqualTo(new ExitReason.Reboot());
    }

    @Test
    void qemuKilledUnderUsIsAnErrorWithItsStatus() throws Exception {
        var d = TestQemu.emptyMachine(work, "killed", 1);
        ProcessHandle.of(d.pid()).orElseThrow().destroyForcibly();
        ExitReason reason = TestQemu.exit(d, Duration.ofSeconds(10));
        assertThat(reason).isInstanceOf(ExitReason.Error.class);
        assertThat(((ExitReason.Error) reason).detail()).startsWith("qemu-system-aarch64 (pid " + d.pid() + ") was killed by signal 9");
        d.destroy();
    }

    @Test
    void logHoldsTheCommandLine() throws Exception {
        try (var d = TestQemu.emptyMachine(work, "log", 1)) {
            assertThat(d.log()).isEqualTo(work.resolve("qemu.log"));
            assertThat(Files.readString(d.log())).startsWith("# domus ").contains("setpriv --pdeathsig KILL -- ")
                    .contains(" -S\n");
        }
    }

    @Test
    void qemuStoppedByASignalIsAnErrorWithItsLastWords() throws Exception {
        var d = TestQemu.emptyMachine(work, "termed", 1);
        ProcessHandle.of(d.pid()).orElseThrow().destroy(); // SIGTERM: QEMU says so, emits SHUTDOWN host-signal, exits 0
        ExitReason reason = TestQemu.exit(d, Duration.ofSeconds(10));
        assertThat(reason).isInstanceOf(ExitReason.Error.class);
        assertThat(((ExitReason.Error) reason).detail()).startsWith("qemu-system-aarch64 (pid " + d.pid() + ") stopped (host-signal)")
                .contains("terminating on signal 15");
        d.destroy();
    }

    @Test
    void anX86PcMachineAnswersToo() throws Exception {
        try (var d = TestQemu.emptyMachine(Arch.X86_64, work, "pc", 2)) {
            assertThat(d.vcpuThreadIds()).hasSize(2);
            assertThat(d.qmp().execute("query-target").path("arch").asText()).isEqualTo("x86_64");
            d.start();
            d.pause();
        }
    }
}
