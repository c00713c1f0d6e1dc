package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.domus.dom0less.ExampleSystem;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two {@code domus boot --detach} of the same name at once: one system gets the name, the other boot is refused.
 * Each launcher must report on the process it started, so exactly one says its system runs, with that system's
 * own pid, and the other fails with the reason its own boot gave.
 */
@EndToEnd
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DetachRaceTest {
    private static final Pattern STARTED = Pattern.compile("runs in the background \\(pid (\\d+)\\); its output goes to (\\S+)/domus.log");
    private final List<ProcessHandle> started = new ArrayList<>();
    private Path dir;

    /** What one launcher printed and how it ended. */
    private record Launch(Path runDir, int exit, String said) {
    }

    @AfterEach
    void stopWhatStarted() throws Exception {
        for (ProcessHandle p : started) {
            List<ProcessHandle> below = p.descendants().toList();
            p.destroy();   // SIGTERM: the system destroys its domains, then ends
            if (!p.onExit().get(60, TimeUnit.SECONDS).isAlive()) {
                continue;
            }
            p.destroyForcibly();
            below.forEach(ProcessHandle::destroyForcibly);
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void ofTwoDetachedBootsOfOneNameOnlyTheOneThatRunsSaysSoWithItsOwnPid() throws Exception {
        dir = Files.createTempDirectory("domus-detach-race-");
        TestGuest.copyInto(dir);
        String name = "race-" + ProcessHandle.current().pid();
        Path system = dir.resolve("system.dts");
        Files.writeString(system, ExampleSystem.source("", List.of(ToolstackTest.looper("racer")), "Image", "initramfs.cpio.gz"));

        // both launchers start before either's system has bound the name, so both pass the launcher's own check
        CompletableFuture<Launch> first = launch(system, name, dir.resolve("run-a"));
        CompletableFuture<Launch> second = launch(system, name, dir.resolve("run-b"));
        List<Launch> launches = List.of(first.get(4, TimeUnit.MINUTES), second.get(4, TimeUnit.MINUTES));
        for (Launch l : launches) {
            Matcher m = STARTED.matcher(l.said());
            if (m.find()) {
                ProcessHandle.of(Long.parseLong(m.group(1))).ifPresent(started::add);
            }
        }

        List<Launch> ok = launches.stream().filter(l -> l.exit() == 0).toList();
        assertThat(ok).as("exactly one launcher says its system runs: %s", launches).hasSize(1);
        Launch winner = ok.getFirst();
        Launch loser = launches.stream().filter(l -> l != winner).findFirst().orElseThrow();
        Matcher m = STARTED.matcher(winner.said());
        assertThat(m.find()).as(winner.said()).isTrue();
        assertThat(Path.of(m.group(2))).isEqualTo(winner.runDir());
        // the pid it names is the system it started: that process runs with the launcher's own run folder
        ProcessHandle system1 = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
        assertThat(String.join(" ", system1.info().arguments().orElseThrow())).contains("--run-dir " + winner.runDir());

        // the loser reports its own boot's failure, from its own log: the name was taken (found taken, or lost
        // in the same instant at bind, which ControlServer words as the socket's address being in use)
        assertThat(loser.exit()).as(loser.said()).isNotZero();
        assertThat(loser.said()).doesNotContain("runs in the background")
                .containsPattern("a system named '" + name + "' is already running|" + name + ".sock: Address already in use");
        if (!loser.said().contains("already running (socket")) {
            assertThat(loser.said()).contains("the system did not start (exit status 1; log " + loser.runDir().resolve("domus.log") + ")");
        }
    }

    private static CompletableFuture<Launch> launch(Path system, String name, Path runDir) throws Exception {
        Process p = DomusJvm.command("boot", system.toString(), "--detach", "--name", name, "--run-dir", runDir.toString())
                .redirectErrorStream(true).start();
        CompletableFuture<Launch> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                f.complete(new Launch(runDir, p.waitFor(), said));
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
