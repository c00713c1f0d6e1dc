package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.domus.engine.DomainSpec;
import org.domus.engine.ExitReason;
import org.domus.engine.xen.Hypercall;
import org.domus.engine.xen.XenGuest;
import org.domus.image.Arch;
import org.domus.testsupport.Await;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EL2 program's channel, driven by the freestanding test kernel (src/test/el2/testkernel.c): hypercalls reach
 * the XenAbi with their exact registers and x0 comes back, hostile calls change nothing, upcalls arrive as virtual
 * INTID 31, and more interrupts than list registers are all delivered.
 */
@EndToEnd
@Timeout(180)
class El2ChannelTest {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final long ANSWER = 0xfeedface_cafebeefL;

    @TempDir
    Path work;

    /** The test kernel, built by this module's build from src/test/el2. */
    static Path testKernel(Path dir) throws IOException {
        Path p = dir.resolve("testkernel.bin");
        try (InputStream in = El2ChannelTest.class.getResourceAsStream("testkernel.bin")) {
            assertThat(in).as("testkernel.bin built from src/test/el2").isNotNull();
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    /**
     * A guest that turns its own channel against the host: a 4 MiB transmit descriptor (QEMU streams it all to
     * Domus), then garbage over its whole channel page and random calls. It hangs itself; Domus, QEMU's monitor and
     * a well-behaved domain beside it do not notice, and it is destroyed like any other.
     */
    @Test
    void aGuestThatScribblesOnItsChannelHurtsOnlyItself() throws Exception {
        TestQemu.require(Arch.ARM64);
        var hostile = new RecordingXenAbi(c -> c.op() == 0x1000 ? 1L : RecordingXenAbi.ENOSYS);
        var hostileSpec = new DomainSpec("hostile", Arch.ARM64, 128 * TestQemu.MIB, 1, testKernel(work), null, null,
                work.resolve("hostile"), new XenGuest(hostile, dtb -> dtb));
        var good = new RecordingXenAbi(c -> switch ((int) c.op()) {
            case 0x1001 -> ANSWER;
            case 0x2001 -> {
                Thread.ofVirtual().start(() -> {
                    sleepQuietly(2); // on purpose: the upcall comes after the call returned, as a host event does
                    goodUpcalls[0].raise(0);
                });
                yield 0L;
            }
            default -> RecordingXenAbi.ENOSYS;
        });
        var goodSpec = new DomainSpec("good", Arch.ARM64, 128 * TestQemu.MIB, 1, testKernel(work), null, null,
                work.resolve("good"), new XenGuest(good, dtb -> dtb));
        try (var h = TestQemu.ENGINE.build(hostileSpec)) {
            h.start();
            Await.until(() -> hostile.calls.stream().anyMatch(c -> c.op() == 0x1004), RUN, "the hostile guest's call 0x1004");
            try (var g = TestQemu.ENGINE.build(goodSpec)) {
                goodUpcalls[0] = good.upcalls;
                g.start();
                assertThat(exitOrSayWhere(g, good)).isEqualTo(new ExitReason.PowerOff());
            }
            assertThat(good.calls.stream().filter(c -> c.op() == 0x3001).findFirst().orElseThrow().a0()).isEqualTo(0x1feL);
            assertThat(h.qmp().execute("query-status").path("status").asText()).isEqualTo("running");
            assertThat(hostile.calls.size()).as("at most one host call per guest call").isLessThanOrEqualTo(2 + 100);
            h.destroy();
            assertThat(TestQemu.exit(h, RUN)).isEqualTo(new ExitReason.Destroyed());
        }
        Await.until(() -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList(),
                names -> names.stream().noneMatch(n -> n.startsWith("el2-hostile")), RUN, "the hostile domain's el2 threads to end");
    }

    /** Its exit, or a failure that says how far the guest got (its last calls), for a run that hangs. */
    private static ExitReason exitOrSayWhere(QemuDomain d, RecordingXenAbi abi) throws Exception {
        try {
            return TestQemu.exit(d, RUN);
        } catch (java.util.concurrent.TimeoutException e) {
            List<Hypercall> calls = List.copyOf(abi.calls);
            throw new AssertionError("%s did not power off in %s; %d calls, the last: %s".formatted(d, RUN, calls.size(),
                    calls.subList(Math.max(0, calls.size() - 4), calls.size())), e);
        }
    }

    private final org.domus.engine.xen.Upcalls[] goodUpcalls = new org.domus.engine.xen.Upcalls[1];

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 2})
    void hypercallsUpcallsAndListRegisterOverflow(int vcpus) throws Exception {
        TestQemu.require(Arch.ARM64);
        ScheduledExecutorService raiser = Executors.newSingleThreadScheduledExecutor();
        long[] raisedAt = new long[20];
        long[] arrivedAt = new long[20];
        RecordingXenAbi[] self = new RecordingXenAbi[1];
        self[0] = new RecordingXenAbi(c -> {
            if (c.op() == 0x1001) {
                return ANSWER;
            }
            if (c.op() == 0x2001) {
                int round = (int) c.a0();
                // after the guest is back in WFI: a raise from another thread, as the xen module's would come
                raiser.schedule(() -> {
                    raisedAt[round] = System.nanoTime();
                    self[0].upcalls.raise(0);
                }, 2, TimeUnit.MILLISECONDS);
                return 0L;
            }
            if (c.op() == 0x2002) {
                arrivedAt[(int) c.a0()] = System.nanoTime();
                return 0L;
            }
            if (c.op() == 0x4001) {
                raiser.schedule(() -> self[0].upcalls.raise(c.vcpu()), 2, TimeUnit.MILLISECONDS);
                return 0L;
            }
            if (c.op() == 0x4002 || c.op() == 0x4003) {
                return 0L;
            }
            return RecordingXenAbi.ENOSYS;
        });
        RecordingXenAbi abi = self[0];
        var spec = new DomainSpec("tk", Arch.ARM64, 128 * TestQemu.MIB, vcpus, testKernel(work), null, null, work,
                new XenGuest(abi, dtb -> dtb));
        try (var d = TestQemu.ENGINE.build(spec)) {
            var console = ConsoleLog.follow(d);
            d.start();
            try {
                TestQemu.exit(d, RUN);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the test kernel did not finish: %d hypercalls, the last %s; console: %s"
                        .formatted(abi.calls.size(), abi.calls.isEmpty() ? "none" : abi.calls.getLast(), console.tail(5)));
            }
            assertThat(TestQemu.exit(d, RUN)).as("the test kernel powers off through PSCI").isEqualTo(new ExitReason.PowerOff());
        } finally {
            raiser.shutdownNow();
        }
        List<Hypercall> calls = abi.calls.stream().filter(c -> c.vcpu() == 0).toList();
        List<Hypercall> second = abi.calls.stream().filter(c -> c.vcpu() != 0).toList();

        assertThat(calls.getFirst().op()).as("the mode question").isEqualTo(0x1000);
        Hypercall first = calls.get(1);
        assertThat(first.op()).isEqualTo(0x1001);
        assertThat(List.of(first.a0(), first.a1(), first.a2(), first.a3(), first.a4())).containsExactly(0x1111L, 0x2222L, 0x3333L, 0x4444L, 0x5555L);
        assertThat(first.vcpu()).isZero();
        assertThat(first.mmu().ttbr0()).isEqualTo(0x41230000L);
        assertThat(first.mmu().ttbr1()).isEqualTo(0x41240000L);
        assertThat(first.mmu().tcr()).isEqualTo(0x19L);
        assertThat(first.mmu().mmuOn()).isFalse();
        assertThat(calls.get(2).op()).isEqualTo(0x1002);
        assertThat(calls.get(2).a0()).as("x0 came back to the guest").isEqualTo(ANSWER);

        Hypercall hostileDone = calls.stream().filter(c -> c.op() == 0x1003).findFirst().orElseThrow();
        assertThat(hostileDone.a0()).isEqualTo(20000);
        assertThat(hostileDone.a1()).as("every hostile call returned -ENOSYS").isEqualTo(20000L * RecordingXenAbi.ENOSYS);
        assertThat(calls.indexOf(hostileDone)).as("every hostile call reached the host").isEqualTo(3 + 20000);

        List<Hypercall> got = calls.stream().filter(c -> c.op() == 0x2002).toList();
        assertThat(got).hasSize(20);
        assertThat(got).allSatisfy(c -> assertThat(c.a1()).as("virtual INTID").isEqualTo(31));
        long[] micros = new long[20];
        for (int i = 0; i < 20; i++) {
            micros[i] = (arrivedAt[i] - raisedAt[i]) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("upcall raise -> guest's INTID 31 -> its next hypercall at the host: p50 %d us, max %d us%n",
                micros[10], micros[19]);

        Hypercall sgis = calls.stream().filter(c -> c.op() == 0x3001).findFirst().orElseThrow();
        assertThat(sgis.a0()).as("SGIs 1-8, twice the list registers, all delivered").isEqualTo(0x1feL);

        Hypercall smp = calls.stream().filter(c -> c.op() == 0x4003).findFirst().orElseThrow();
        if (vcpus == 1) {
            assertThat(smp.a0()).as("PSCI CPU_ON of a vCPU that does not exist fails").isZero();
            assertThat(second).isEmpty();
        } else {
            assertThat(smp.a0()).as("vCPU 1 started").isEqualTo(1);
            assertThat(smp.a1()).as("vCPU 1 got its five upcalls").isEqualTo(1);
            assertThat(second).extracting(Hypercall::vcpu).containsOnly(1);
            assertThat(second).extracting(Hypercall::op).containsExactly(0x4001L, 0x4002L, 0x4001L, 0x4002L, 0x4001L, 0x4002L,
                    0x4001L, 0x4002L, 0x4001L, 0x4002L);
            assertThat(second.getFirst().a0() & 0xff_00ff_ffffL).as("vCPU 1's MPIDR affinity").isEqualTo(1);
        }
    }
}
