package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.domus.dom0less.ExampleSystem;
import org.domus.hypervisor.ControlPaths;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen domains of 64 MiB each, one {@code domus boot} on a 2-core machine: every one reaches its READY line with
 * its own name and memory, and all sixteen run at once (the guests idle after READY, so none has ended when the
 * last one comes up). Debian's cloud kernel boots in 64 MiB as it is; {@code cma=0} only spares the console its
 * "cma: Failed to reserve 64 MiB" error (the kernel's built-in CMA size is the whole domain, so the reservation
 * always fails there, harmlessly).
 *
 * <p>Sixteen TCG guests share two cores: here they were all READY 23-69 s after the command started, depending on
 * the other tenants' load (load averages 3-27); the test takes 25-75 s in all. The bounds (5 minutes to READY) are
 * generous for a slower CI machine; how fast is bench/'s business.
 */
@EndToEnd
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ScaleBootTest {
    static final int DOMAINS = 16;
    static final int MIB = 64;
    private static final long READY_WITHIN_S = 300;
    private static final Pattern READY = Pattern.compile("\\(d(\\d+)\\) DOMUS-READY (\\S+) cpus=(\\d+) mem=(\\d+)kB");
    /** A domain that ended before every domain was up: the system did not hold sixteen at once. */
    private static final Pattern ENDED = Pattern.compile("\\(domus\\) d\\d+ \\S+: .*\\b(powered off|rebooted|crashed|destroyed|ended)\\b.*");

    @Test
    void sixteenDomainsOf64MibAllReachReadyFromOneBoot(@TempDir Path dir) throws Exception {
        TestGuest.copyInto(dir);
        List<ExampleSystem.Domain> domains = new ArrayList<>();
        for (int i = 1; i <= DOMAINS; i++) {
            domains.add(new ExampleSystem.Domain("domU" + i, MIB, 1,
                    "console=ttyAMA0 quiet cma=0 domus.name=domU" + i + " domus.action=idle"));
        }
        Path system = Files.writeString(dir.resolve("system.dts"), ExampleSystem.source("", domains, "Image", "initramfs.cpio.gz"));
        String name = "scale-" + ProcessHandle.current().pid();
        long start = System.nanoTime();
        Process domus = DomusJvm.command("boot", system.toString(), "--name", name, "--run-dir", dir.resolve("run").toString())
                .redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(domus.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (Exception e) {
                // the process is gone
            }
        });
        List<String> seen = new ArrayList<>();
        List<ProcessHandle> qemus = List.of();
        try {
            Map<Integer, String> ready = new TreeMap<>();
            long deadline = start + TimeUnit.SECONDS.toNanos(READY_WITHIN_S);
            while (ready.size() < DOMAINS) {
                String l = lines.poll(1, TimeUnit.SECONDS);
                if (l == null) {
                    if (!domus.isAlive() && lines.isEmpty()) {
                        fail("domus boot exited (status %d) with %d of %d domains READY; output:%n%s".formatted(
                                domus.exitValue(), ready.size(), DOMAINS, String.join("\n", seen)));
                    }
                    if (System.nanoTime() > deadline) {
                        fail("%d of %d domains READY after %d s; output:%n%s".formatted(ready.size(), DOMAINS, READY_WITHIN_S,
                                String.join("\n", seen)));
                    }
                    continue;
                }
                seen.add(l);
                if (ENDED.matcher(l).matches()) {
                    fail("a domain ended before all %d were READY: %s; output:%n%s".formatted(DOMAINS, l, String.join("\n", seen)));
                }
                Matcher m = READY.matcher(l);
                if (m.matches()) {
                    assertThat(ready.put(Integer.parseInt(m.group(1)), l)).as("a second READY line from d%s", m.group(1)).isNull();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("ScaleBootTest: %d domains of %d MiB READY %.1f s after domus boot started%n", DOMAINS, MIB, seconds);
            assertThat(ready.keySet()).as("domain ids with a READY line").containsExactlyElementsOf(
                    IntStream.rangeClosed(1, DOMAINS).boxed().toList());
            for (var e : ready.entrySet()) {
                Matcher m = READY.matcher(e.getValue());
                assertThat(m.matches()).isTrue();
                assertThat(m.group(2)).as(e.getValue()).isEqualTo("domU" + e.getKey());
                assertThat(m.group(3)).as(e.getValue()).isEqualTo("1");
                // MemTotal is the domain's RAM less what the kernel keeps for itself (its image, page tables: ~25 MiB
                // for Debian's cloud kernel); more than half of 64 MiB rules out any other size QEMU might have used
                assertThat(Long.parseLong(m.group(4))).as(e.getValue()).isLessThan(MIB * 1024L).isGreaterThan(MIB * 1024L / 2);
            }
            qemus = domus.descendants().filter(p -> p.info().command().orElse("").contains("qemu-system")).toList();
            assertThat(qemus).as("one QEMU per domain, all running").hasSize(DOMAINS).allMatch(ProcessHandle::isAlive);
            assertThat(domus.isAlive()).isTrue();
            domus.destroy(); // SIGTERM: every domain destroyed, then Domus exits
            assertThat(domus.waitFor(60, TimeUnit.SECONDS)).as("Domus exits after SIGTERM").isTrue();
            for (ProcessHandle q : qemus) {
                assertThat(q.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("QEMU %d", q.pid()).isFalse();
            }
        } finally {
            domus.destroyForcibly();
            qemus.forEach(ProcessHandle::destroyForcibly);
            Files.deleteIfExists(ControlPaths.socket(name));
            Files.deleteIfExists(ControlPaths.xenstoreSocket(name));
        }
    }
}
