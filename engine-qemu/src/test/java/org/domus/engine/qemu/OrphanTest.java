package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.domus.image.Arch;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QEMU dies with the JVM that started it, even when that JVM gets {@code kill -9} and has no chance to clean up. */
@EndToEnd
@Timeout(60)
class OrphanTest {
    @Test
    void qemuDiesWhenItsJvmIsKilled(@TempDir Path work) throws Exception {
        TestQemu.require(Arch.ARM64);
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cp = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isEmpty()) {
                cp.add(v);
            }
        }
        long[] qemuPid = {-1};
        Process child = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, cp), OrphanChild.class.getName(),
                work.toString()).redirectErrorStream(true).start();
        try {
            var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            var pidLine = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    StringBuilder seen = new StringBuilder();
                    while ((line = reader.readLine()) != null) {
                        if (line.startsWith("QEMU ")) {
                            return line;
                        }
                        seen.append(line).append('\n');
                    }
                    throw new IllegalStateException("child JVM ended without a QEMU pid:\n" + seen);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            qemuPid[0] = Long.parseLong(pidLine.get(30, TimeUnit.SECONDS).substring(5).strip());
            ProcessHandle qemu = ProcessHandle.of(qemuPid[0]).orElseThrow();
            assertThat(qemu.parent().map(ProcessHandle::pid)).contains(child.pid());

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally, nothing in the JVM runs
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(qemu.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        } finally {
            child.destroyForcibly();
            if (qemuPid[0] > 0) {
                ProcessHandle.of(qemuPid[0]).ifPresent(ProcessHandle::destroyForcibly); // no orphan even when the test fails
            }
        }
    }
}
