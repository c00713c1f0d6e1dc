package org.domus.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

import org.domus.testsupport.Await;

/**
 * A {@code domus boot} in a JVM of its own that a test class's tests share, its output lines (stdout and stderr)
 * gathered as they come, on a virtual thread until the process is gone, to look at and wait for while it runs.
 */
final class RunningBoot implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private RunningBoot(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> read(process.getInputStream()));
    }

    /** Starts {@code domus boot SYSTEM --name NAME --run-dir RUNDIR}. */
    static RunningBoot start(Path system, String name, Path runDir) throws IOException {
        return new RunningBoot(DomusJvm.command("boot", system.toString(), "--name", name, "--run-dir", runDir.toString())
                .redirectErrorStream(true).start());
    }

    Process process() {
        return process;
    }

    /** The lines so far that {@code match} accepts, in order. */
    List<String> matching(Predicate<String> match) {
        synchronized (lines) {
            return lines.stream().filter(match).toList();
        }
    }

    /** Returns once a line {@code match} accepts has come; fails the test, with all the output, after {@code timeout}. */
    void await(Predicate<String> match, Duration timeout) {
        Await.until(() -> "\n" + String.join("\n", matching(l -> true)), out -> out.lines().anyMatch(match), timeout,
                "a matching line of the output");
    }

    /** Stops the system: its QEMU processes first, while they are still its descendants, then the JVM. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void read(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                lines.add(l);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }
}
