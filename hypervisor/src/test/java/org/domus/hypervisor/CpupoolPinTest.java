package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Cpupool;
import org.domus.engine.DomainSpec;
import org.domus.image.Arch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * vCPUs confined to their cpupool over the control socket, with stand-in domains whose vCPU threads are real host
 * threads ({@code sleep} processes): the pool's CPUs at build, {@code vcpu-pin} refused outside them as xl refuses
 * it, a null pool's CPUs held one per vCPU, and {@code cpupool-list}'s answer. Needs host CPUs 0 and 1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpupoolPinTest {
    private final ConsoleMux mux = new ConsoleMux(new ConsoleCapture().printStream());
    private final String name = "pool-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final List<ToyHandle> handles = new ArrayList<>();
    private final List<Process> threads = new ArrayList<>();
    private ControlServer server;

    @BeforeEach
    void boot() throws Exception {
        assumeTrue(Hypervisor.hostCpus().get(0) && Hypervisor.hostCpus().get(1), "needs host CPUs 0 and 1");
        // Pool-0: CPU 0, credit2; Pool-1: CPU 1, credit; Pool-2 (null): CPUs 0-1, as a plan never makes it (it
        // overlaps the others) but as the null scheduler's bookkeeping needs two CPUs to be shown
        CpuPool pool0 = new CpuPool(new Cpupool(0, null, cpus(0), "credit2"));
        CpuPool pool1 = new CpuPool(new Cpupool(1, "/chosen/pool1", cpus(1), "credit"));
        CpuPool pool2 = new CpuPool(new Cpupool(2, "/chosen/fast", cpus(0, 1), "null"));
        List<Domain> domains = new ArrayList<>();
        domains.add(domain(1, "plain", pool0, null));
        domains.add(domain(2, "pooled", pool1, cpus(1)));
        domains.add(domain(3, "first", pool2, cpus(0)));
        domains.add(domain(4, "second", pool2, cpus(1)));
        server = ControlServer.bind(name);
        server.serve(Hypervisor.of(domains, mux), Path.of("run"));
    }

    private Domain domain(int id, String n, CpuPool pool, BitSet planned) throws Exception {
        Process vcpu = new ProcessBuilder("sleep", "120").start();
        threads.add(vcpu);
        ToyHandle h = new ToyHandle(List.of(vcpu.pid()));
        handles.add(h);
        List<BitSet> affinity = new ArrayList<>();
        affinity.add(planned);
        Domain d = new Domain(id, n, new DomainSpec(n, Arch.ARM64, 64 << 20, 1, Path.of("Image"), null,
                "console=ttyAMA0", Path.of("run", n)), ToyHandle.engine(h), ExitPolicies.XL_DEFAULTS, mux, affinity,
                new StoreChannel(org.domus.dom0less.Enhanced.NONE, 0), null, pool);
        d.build();
        d.start();
        return d;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        handles.forEach(ToyHandle::destroy);
        threads.forEach(Process::destroyForcibly);
    }

    @Test
    void aVcpuIsConfinedToItsPoolsCpusAndCannotBePinnedOutside() throws Exception {
        long pooled = threads.get(1).pid();
        assertThat(cpusAllowed(pooled)).isEqualTo("1");
        try (ControlClient c = ControlClient.connect(name)) {
            assertThatThrownBy(() -> c.call(new ControlRequest.VcpuPin("pooled", 0, "0"))).hasMessage("d2 pooled: cannot pin "
                    + "vCPU 0 to CPUs 0: it runs in cpupool Pool-1 (CPU 1), and a vCPU runs only on its pool's CPUs (xl: "
                    + "\"Setting vcpu affinity: Invalid argument\")");
            assertThat(cpusAllowed(pooled)).isEqualTo("1");
            // every CPU asked: its pool's, as Xen's effective affinity
            assertThat(c.call(new ControlRequest.VcpuPin("pooled", ControlRequest.VcpuPin.ALL, "all")).vcpus())
                    .extracting(VcpuInfo::affinity).containsExactly("1");
            assertThat(cpusAllowed(pooled)).isEqualTo("1");
            assertThat(c.call(new ControlRequest.VcpuPin("plain", 0, "all")).vcpus()).extracting(VcpuInfo::affinity)
                    .containsExactly("0");
            assertThat(cpusAllowed(threads.get(0).pid())).isEqualTo("0");
        }
    }

    @Test
    void aNullPoolMovesAVcpuOnlyToACpuNoOtherVcpuHolds() throws Exception {
        long first = threads.get(2).pid();
        long second = threads.get(3).pid();
        assertThat(cpusAllowed(first)).isEqualTo("0");
        assertThat(cpusAllowed(second)).isEqualTo("1");
        try (ControlClient c = ControlClient.connect(name)) {
            assertThatThrownBy(() -> c.call(new ControlRequest.VcpuPin("first", 0, "1"))).hasMessage("d3 first: cannot "
                    + "pin vCPU 0 to CPUs 1: Pool-2 (CPUs 0-1) runs the null scheduler and each of those CPUs is held by a "
                    + "vCPU of its own (CPU 1: d4 second vCPU 0); Xen would leave vCPU 0 waiting, not assigned to any CPU");
            // its own CPU still allowed: it stays there (null.c's pick_res), not spread over both
            assertThat(c.call(new ControlRequest.VcpuPin("first", 0, "all")).vcpus()).extracting(VcpuInfo::affinity)
                    .containsExactly("0");
            assertThat(cpusAllowed(first)).isEqualTo("0");
            // second moves to CPU 0? held by first: refused; pinned to 1 only: stays
            assertThatThrownBy(() -> c.call(new ControlRequest.VcpuPin("second", 0, "0"))).hasMessageContaining(
                    "(CPU 0: d3 first vCPU 0)");
            assertThat(cpusAllowed(second)).isEqualTo("1");
        }
        assertThat(new ArrayList<>(mux.events().events()).stream().map(e -> e.text()).toList())
                .contains("d3 first: vCPU 0 pinned to CPUs all, each on a CPU of its own (Pool-2's null scheduler): vCPU 0 on CPU 0");
    }

    @Test
    void cpupoolListShowsEachPoolAsXlDoes() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            List<CpupoolInfo> pools = c.call(new ControlRequest.CpupoolList()).pools();
            assertThat(pools).containsExactly(
                    new CpupoolInfo(0, "Pool-0", "", List.of(0), "credit2", 1),
                    new CpupoolInfo(1, "Pool-1", "/chosen/pool1", List.of(1), "credit", 1),
                    new CpupoolInfo(2, "Pool-2", "/chosen/fast", List.of(0, 1), "null", 2));
            assertThat(c.call(new ControlRequest.CpupoolList("fast")).pools()).extracting(CpupoolInfo::name).containsExactly("Pool-2");
            assertThat(c.call(new ControlRequest.CpupoolList("/chosen/pool1")).pools()).extracting(CpupoolInfo::id).containsExactly(1);
            c.call(new ControlRequest.Destroy("second"));
            assertThat(c.call(new ControlRequest.CpupoolList("Pool-2")).pools().getFirst().domains()).isEqualTo(1);
            assertThatThrownBy(() -> c.call(new ControlRequest.CpupoolList("Pool-9")))
                    .hasMessage("no cpupool 'Pool-9' (there are Pool-0, Pool-1, Pool-2)");
        }
    }

    private static BitSet cpus(int... cpus) {
        BitSet s = new BitSet();
        for (int c : cpus) {
            s.set(c);
        }
        return s;
    }

    private static String cpusAllowed(long tid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(tid), "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElseThrow();
    }
}
