package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.domus.cli.ToolstackTest.Run;
import org.domus.dom0less.ExampleSystem;
import org.domus.hypervisor.Hypervisor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Boot cpupools in a real system: {@code domus boot} of two Arm64 guests on the 2-CPU host, {@code pooled} in a pool
 * of cpu1 with the null scheduler and {@code plain} in none, so in Pool-0 (cpu0). What the kernel has for each QEMU
 * vCPU thread ({@code Cpus_allowed_list} in /proc/&lt;qemu pid&gt;/task/&lt;tid&gt;/status) must be its pool's CPU,
 * {@code vcpu-pin} must not move one out of its pool, and {@code cpupool-list} prints as xl's does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CpupoolSystemTest {
    private static final Duration BOOT = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name = "pools-" + ProcessHandle.current().pid();
    private Process domus;
    private List<ProcessHandle> qemus = List.of();

    @BeforeAll
    void boot() throws Exception {
        assumeTrue(Hypervisor.hostCpus().get(0) && Hypervisor.hostCpus().get(1), "needs host CPUs 0 and 1");
        Path dir = Files.createTempDirectory("domus-cpupool-");
        TestGuest.copyInto(dir);
        Path system = dir.resolve("system.dts");
        Files.writeString(system, systemSource());
        RunningBoot running = RunningBoot.start(system, name, dir.resolve("run"));
        domus = running.process();
        long end = System.nanoTime() + BOOT.toNanos();
        while (running.matching(l -> l.contains("DOMUS-READY")).size() < 2) {
            if (System.nanoTime() > end || !domus.isAlive()) {
                fail("both guests READY within %s; output:%n%s".formatted(BOOT, String.join("\n", running.matching(l -> true))));
            }
            Thread.sleep(100);
        }
        qemus = domus.descendants().filter(p -> p.info().command().orElse("").contains("qemu-system")).toList();
        assertThat(qemus).hasSize(2);
    }

    /** The example system's two guests, cpu nodes for the host's CPUs 0 and 1, and a null pool of cpu1. */
    private static String systemSource() {
        String dts = ExampleSystem.source("", List.of(guest("pooled"), guest("plain")), "Image", "initramfs.cpio.gz");
        dts = dts.replaceFirst("\n\tchosen \\{\n", """

                	cpus {
                		#address-cells = <1>;
                		#size-cells = <0>;
                		cpu@0 {
                			device_type = "cpu";
                			reg = <0>;
                		};
                		cpu1: cpu@1 {
                			device_type = "cpu";
                			reg = <1>;
                		};
                	};

                	chosen {
                """);
        dts = dts.replaceFirst("(\tchosen \\{\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n)", """
                $1
                		pool1: pool1 {
                			compatible = "xen,cpupool";
                			cpupool-cpus = <&cpu1>;
                			cpupool-sched = "null";
                		};
                """);
        dts = dts.replaceFirst("(\t\tpooled \\{\n\t\t\tcompatible = \"xen,domain\";\n)", "$1\t\t\tdomain-cpupool = <&pool1>;\n");
        assertThat(dts).contains("domain-cpupool = <&pool1>;", "cpupool-cpus = <&cpu1>;");
        return dts;
    }

    private static ExampleSystem.Domain guest(String n) {
        return new ExampleSystem.Domain(n, 128, 1, "console=ttyAMA0 quiet domus.name=" + n + " domus.action=idle");
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (domus != null) {
            domus.destroy(); // SIGTERM: every domain destroyed first
            if (!domus.waitFor(30, TimeUnit.SECONDS)) {
                domus.destroyForcibly();
            }
        }
        qemus.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    @Order(1)
    void eachVcpuThreadRunsOnlyOnItsPoolsCpu() throws Exception {
        assertThat(vcpuCpusAllowed("pooled")).isEqualTo("1");
        assertThat(vcpuCpusAllowed("plain")).isEqualTo("0");
        JsonNode vcpus = JSON.readTree(domus("vcpu-list", "--name", name, "--json").out());
        assertThat(vcpus).extracting(v -> v.path("domain").asText() + " " + v.path("affinity").asText())
                .containsExactly("pooled 1", "plain 0");
    }

    @Test
    @Order(2)
    void cpupoolListPrintsAsXlDoes() throws Exception {
        Run list = domus("cpupool-list", "--name", name);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).containsExactly(
                "Name               CPUs   Sched     Active   Domain count",
                "Pool-0               1   credit2       y          1",
                "Pool-1               1      null       y          1");
        assertThat(domus("cpupool-list", "--name", name, "-c").out().lines().toList()).containsExactly(
                "Name               CPU list",
                "Pool-0             0",
                "Pool-1             1");
        JsonNode one = JSON.readTree(domus("cpupool-list", "--name", name, "pool1", "--json").out());
        assertThat(one).hasSize(1);
        assertThat(one.get(0).path("name").asText()).isEqualTo("Pool-1");
        assertThat(one.get(0).path("node").asText()).isEqualTo("/chosen/pool1");
        assertThat(one.get(0).path("sched").asText()).isEqualTo("null");
        Run unknown = domus("cpupool-list", "--name", name, "Pool-7");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("domus: no cpupool 'Pool-7' (there are Pool-0, Pool-1)");
    }

    @Test
    @Order(3)
    void vcpuPinCannotMoveAVcpuOutOfItsPool() throws Exception {
        Run out = domus("vcpu-pin", "--name", name, "pooled", "0", "0");
        assertThat(out.exit()).isEqualTo(1);
        assertThat(out.err().strip()).isEqualTo("domus: d1 pooled: cannot pin vCPU 0 to CPUs 0: it runs in cpupool Pool-1 "
                + "(CPU 1), and a vCPU runs only on its pool's CPUs (xl: \"Setting vcpu affinity: Invalid argument\")");
        assertThat(vcpuCpusAllowed("pooled")).isEqualTo("1");
        // every CPU asked: each vCPU gets what its pool allows, as Xen's effective affinity
        for (String domain : List.of("pooled", "plain")) {
            Run all = domus("vcpu-pin", "--name", name, domain, "all", "all");
            assertThat(all.exit()).as(all.err()).isZero();
        }
        assertThat(vcpuCpusAllowed("pooled")).isEqualTo("1");
        assertThat(vcpuCpusAllowed("plain")).isEqualTo("0");
    }

    /** Cpus_allowed_list of {@code domain}'s vCPU 0 thread, read under its QEMU's own /proc entry. */
    private String vcpuCpusAllowed(String domain) throws IOException {
        JsonNode vcpus = JSON.readTree(domus("vcpu-list", "--name", name, domain, "--json").out());
        long tid = vcpus.get(0).path("thread").asLong();
        for (ProcessHandle qemu : qemus) {
            Path status = Path.of("/proc", Long.toString(qemu.pid()), "task", Long.toString(tid), "status");
            if (Files.exists(status)) {
                return Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            }
        }
        throw new AssertionError("vCPU thread %d of %s is a thread of no QEMU of the system".formatted(tid, domain));
    }

    private static Run domus(String... args) {
        return ToolstackTest.domus(args);
    }
}
