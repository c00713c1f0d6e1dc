package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.domus.engine.DomainSpec;
import org.domus.image.Arch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code domus reboot} promises beyond {@link DomainLifecycleTest}'s state machine: a guest that ignores the power
 * button is reset after the timeout and comes back, and {@code vcpu-pin} outlives reboots (the rebuilt engine domain's
 * vCPU is a new host thread, here a new {@code sleep} process standing in for it as in {@link ControlServerTest}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DomainRebootTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConsoleCapture screen = new ConsoleCapture();
    private final ConsoleMux mux = new ConsoleMux(screen.printStream());
    private final List<Process> vcpus = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        vcpus.forEach(Process::destroyForcibly);
    }

    @Test
    void aPinIsKeptAcrossTheDomainsReboots() throws Exception {
        BitSet host = Hypervisor.hostCpus();
        assumeTrue(host.cardinality() >= 2, "pinning to one CPU of several needs two host CPUs");
        int last = host.length() - 1;
        Domain d = new Domain(1, "toy", new DomainSpec("toy", Arch.ARM64, 64 << 20, 1, Path.of("Image"), null, "",
                Path.of("run", "toy")), ToyHandle.engine(this::withNewVcpuThread), ExitPolicies.XL_DEFAULTS, mux);
        d.build();
        d.start();
        assertThat(cpusAllowed(vcpus.getFirst())).as("unpinned: every host CPU").isEqualTo(CpuSet.format(host, new BitSet()));

        BitSet one = new BitSet();
        one.set(last);
        d.pin(0, one);
        assertThat(cpusAllowed(vcpus.getFirst())).isEqualTo(Integer.toString(last));

        for (int reboot = 1; reboot <= 2; reboot++) {
            var old = d.reboot(Duration.ZERO, true);
            assertThat(d.awaitAfter(old, WAIT)).isTrue();
            assertThat(vcpus).hasSize(reboot + 1);
            assertThat(cpusAllowed(vcpus.getLast())).as("the new vCPU thread after reboot %d", reboot)
                    .isEqualTo(Integer.toString(last));
            assertThat(d.vcpus().getFirst().affinity()).isEqualTo(Integer.toString(last));
        }
        d.destroy();
    }

    @Test
    void aGuestThatIgnoresThePowerButtonIsResetAfterTheTimeoutAndComesBack() throws Exception {
        List<ToyHandle> built = new CopyOnWriteArrayList<>();
        Domain d = new Domain(1, "toy", new DomainSpec("toy", Arch.ARM64, 64 << 20, 1, Path.of("Image"), null, "",
                Path.of("run", "toy")), ToyHandle.engine(() -> {
                    ToyHandle h = new ToyHandle(List.of());
                    built.add(h);
                    return h;
                }), ExitPolicies.XL_DEFAULTS, mux);
        d.build();
        d.start();
        var old = d.reboot(Duration.ofSeconds(1), false);
        assertThat(built.getFirst().powerButtons).as("asked first").isEqualTo(1);
        assertThat(d.awaitAfter(old, WAIT)).isTrue();
        assertThat(built).hasSize(2);
        assertThat(d.state()).isEqualTo(DomainState.RUNNING);
        assertThat(d.info().restarts()).isEqualTo(1);
        screen.await(l -> l.contains("d1 toy: did not shut down within 1 s: resetting"), 1, WAIT);
        d.destroy();
    }

    private ToyHandle withNewVcpuThread() {
        try {
            Process p = new ProcessBuilder("sleep", "60").start();
            vcpus.add(p);
            return new ToyHandle(List.of(p.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cpusAllowed(Process p) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElseThrow();
    }
}
