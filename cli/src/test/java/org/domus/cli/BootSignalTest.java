package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.ExampleSystem;
import org.domus.hypervisor.ControlPaths;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code domus boot} in a JVM of its own, two guests running: SIGTERM (what Ctrl-C's SIGINT also triggers: the
 * shutdown hook) destroys every domain before Domus exits, and after {@code kill -9}, when nothing in the JVM
 * runs, the QEMU processes still die with it. Either way no QEMU is left behind.
 */
@EndToEnd
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BootSignalTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGTERM", "SIGKILL"})
    void noQemuOutlivesDomus(String signal, @TempDir Path dir) throws Exception {
        Path system = system(dir);
        String name = "signal-" + ProcessHandle.current().pid() + "-" + signal;
        Process domus = DomusJvm.command("boot", system.toString(), "--run-dir", dir.resolve("run").toString(),
                // a name of its own: other systems may run on this host, and a kill -9 leaves its socket behind
                "--name", name).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(domus.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (Exception e) {
                // the process is gone
            }
        });
        List<ProcessHandle> qemus = List.of();
        List<String> seen = new ArrayList<>();
        try {
            boolean d1 = false;
            boolean d2 = false;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(d1 && d2)) {
                String l = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    fail("no ticks from both domains; output:\n" + String.join("\n", seen));
                }
                seen.add(l);
                d1 |= l.startsWith("(d1) DOMUS-TICK");
                d2 |= l.startsWith("(d2) DOMUS-TICK");
            }
            qemus = domus.descendants().filter(p -> p.info().command().orElse("").contains("qemu-system")).toList();
            assertThat(qemus).hasSize(2);
            if (signal.equals("SIGTERM")) {
                domus.destroy();
            } else {
                domus.destroyForcibly();
            }
            assertThat(domus.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle q : qemus) {
                assertThat(q.onExit().get(15, TimeUnit.SECONDS).isAlive()).as("QEMU %d", q.pid()).isFalse();
            }
            if (signal.equals("SIGTERM")) {
                // the stop runs once, however many causes arrive together (the hook, the domains ending): no trace
                assertThat(reader.join(Duration.ofSeconds(10))).isTrue();
                lines.drainTo(seen);
                assertThat(seen).as("Domus's output after SIGTERM").noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
                assertThat(ControlPaths.socket(name)).doesNotExist();
                assertThat(ControlPaths.xenstoreSocket(name)).as("xenstored's socket goes with the system").doesNotExist();
            }
        } finally {
            domus.destroyForcibly();
            qemus.forEach(ProcessHandle::destroyForcibly);
            // what kill -9 leaves; the next boot of the name would take them over
            Files.deleteIfExists(ControlPaths.socket(name));
            Files.deleteIfExists(ControlPaths.xenstoreSocket(name));
        }
    }

    /** Two domains whose init prints a tick forever, modules as files next to the tree. */
    private static Path system(Path dir) throws Exception {
        TestGuest.copyInto(dir);
        List<ExampleSystem.Domain> loopers = List.of(
                new ExampleSystem.Domain("looper1", 128, 1, "console=ttyAMA0 quiet domus.name=looper1 domus.action=loop"),
                new ExampleSystem.Domain("looper2", 128, 1, "console=ttyAMA0 quiet domus.name=looper2 domus.action=loop"));
        Path file = dir.resolve("system.dts");
        Files.writeString(file, ExampleSystem.source("", loopers, "Image", "initramfs.cpio.gz"));
        return file;
    }
}
