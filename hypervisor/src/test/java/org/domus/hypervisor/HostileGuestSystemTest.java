package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.domus.dom0less.Plan;
import org.domus.engine.ExitReason;
import org.domus.testsupport.BootModule;
import org.domus.testsupport.DomainNode;
import org.domus.testsupport.TestTree;
import org.domus.xenstore.XenstoreClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile Xen guest against the real xen module: a freestanding kernel (src/test/el2/hostile.c), booted as an
 * enhanced domain of two vCPUs next to a plain Debian guest, makes 30,000 hypercalls on each vCPU at once with
 * random numbers, sub-ops, arguments and pointers. Every call must come back as 0, a count, or a Xen errno (the guest checks each and reports the bad ones);
 * Domus must take none of it as an exception, keep its heap bounded, xenstored (whose ring the guest scribbles on
 * too) must go on serving, and the plain domain must go on ticking through it and answer its power button afterwards.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HostileGuestSystemTest {
    private static final Duration BOOT = Duration.ofSeconds(180);
    /** 60,000 calls at 20 µs to a few ms each (sched_op block/poll wait up to 10 ms) on a loaded 2-core host. */
    private static final Duration RUN = Duration.ofSeconds(420);
    private static final int CALLS_PER_VCPU = 30_000;
    private static final int CALLS = 2 * CALLS_PER_VCPU;
    /**
     * Heap growth allowed across the run, after a GC on both sides, with a wide margin. Measured (2-core host shared
     * with other builds), two vCPUs, 60,000 calls: 5.6 MiB before boot, 6.7 to 7.5 MiB after vCPU 0's 10,000th call,
     * 7.4 to 8.3 MiB after all, in 3.7 to 6.7 s of guest time (9,000 to 16,000 calls/s). What grows is the console
     * lines this test keeps (ConsoleCapture): in local runs of 300,000 calls the heap went from 7.2 to 11.9 MiB with
     * 2.6 MB of captured garbage lines, and from 6.95 to 6.99 MiB with the guest's console_io writes emptied.
     */
    private static final long HEAP_GROWTH = 64L << 20;
    private static final Pattern TICK = Pattern.compile("\\(d2\\) DOMUS-TICK plain (\\d+)");
    private static final Pattern DONE = Pattern.compile(
            "\\(d1\\) HOSTILE-DONE calls=(\\d+) bad=(\\d+) zero=(\\d+) positive=(\\d+) errors=(\\d+) real_ops=(\\d+) ms=(\\d+)");

    @Test
    void everyHostileCallGetsAnErrorOrSucceedsHarmlesslyAndTheOtherDomainRunsOn(@TempDir Path dir) throws Exception {
        // a new seed each run, as a property test has; -Ddomus.hostile.seed=HEX repeats one (the failure names it)
        long seed = Long.parseUnsignedLong(System.getProperty("domus.hostile.seed",
                Long.toHexString(new SplittableRandom().nextLong() | 1)), 16);
        System.out.printf("hostile guest: seed %x (repeat with -Ddomus.hostile.seed=%<x)%n", seed);
        Plan plan = TestSystem.plan(dir, hostileAndPlain(dir, seed));
        ConsoleCapture console = new ConsoleCapture();
        ConcurrentLinkedQueue<String> uncaught = new ConcurrentLinkedQueue<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(t.getName() + ": " + e));
        long heapBefore = usedHeapAfterGc();
        try (SystemStore store = SystemStore.start(dir.resolve("x.xenstored"));
             Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                     ExitPolicies.XL_DEFAULTS, store);
             XenstoreClient xs = XenstoreClient.connect(store.socket())) {
            Domain hostile = hv.domains().get(0);
            Domain plain = hv.domains().get(1);
            assertThat(hostile.xen()).as("d1 is a Xen guest").isNotNull();

            // the hostile run must overlap the plain guest's: held (paused) until plain's Linux is up and ticking,
            // as the tiny kernel starts its calls at once while Linux takes seconds to boot
            hostile.pause();
            console.await(l -> TICK.matcher(l).matches(), 1, BOOT);
            // init-dom0less: its store page and ring, connected to xenstored, are the guest's to scribble on too
            store.initDom0less(hv.domains());
            int unpausedAt = console.lines().size();
            hostile.unpause();
            long t0 = System.nanoTime();
            String start = console.await(l -> l.startsWith("(d1) HOSTILE-START "), 1, BOOT).getFirst();
            assertThat(start).as("the guest took its seed from its command line").contains(" seed=0x" + Long.toHexString(seed) + " ");
            console.await(l -> l.startsWith("(d1) HOSTILE-PROGRESS cpu=0 calls=10000 "), 1, RUN);
            long heapEarly = usedHeapAfterGc();
            String done = console.await(l -> l.startsWith("(d1) HOSTILE-DONE "), 1, RUN).getFirst();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long heapAfter = usedHeapAfterGc();

            Matcher m = DONE.matcher(done);
            assertThat(m.matches()).as(done).isTrue();
            List<String> badLines = console.lines().stream().filter(l -> l.startsWith("(d1) HOSTILE-BAD ")).toList();
            assertThat(Long.parseLong(m.group(2))).as("calls with a result that is no Xen errno (repeat with -Ddomus.hostile.seed=%x): %s",
                    seed, badLines).isZero();
            assertThat(Integer.parseInt(m.group(1))).as("calls of both vCPUs").isEqualTo(CALLS);
            for (int cpu = 0; cpu < 2; cpu++) {
                String last = "(d1) HOSTILE-PROGRESS cpu=%d calls=%d bad=0".formatted(cpu, CALLS_PER_VCPU);
                assertThat(console.lines()).as("vCPU %d ran to the end", cpu).contains(last);
            }
            assertThat(Long.parseLong(m.group(3)) + Long.parseLong(m.group(4)) + Long.parseLong(m.group(5))).isEqualTo(CALLS);
            assertThat(Long.parseLong(m.group(6))).as("calls to Xen's real ops").isGreaterThan(CALLS / 2);
            // some of each: calls that got through, and calls refused
            assertThat(Long.parseLong(m.group(3))).isPositive();
            assertThat(Long.parseLong(m.group(5))).isPositive();
            long guestMs = Long.parseLong(m.group(7));
            System.out.printf("hostile guest: %s; %s; %d calls in %.1f s of guest time (%.0f calls/s), %.1f s host time from "
                            + "unpause to the summary; used heap after GC: %d KiB before boot, %d KiB after vCPU 0's 10,000th call, %d KiB after all%n",
                    start, done, CALLS, guestMs / 1e3, CALLS * 1e3 / Math.max(1, guestMs), seconds,
                    heapBefore >> 10, heapEarly >> 10, heapAfter >> 10);

            // the hostile guest powered off as a guest does, its Xen module untouched by any of it
            assertThat(hostile.awaitFinal(60, TimeUnit.SECONDS)).isTrue();
            assertThat(hostile.lastExit()).isInstanceOf(ExitReason.PowerOff.class);
            assertThat(hostile.xen().internalErrors()).as("host-side exceptions in the xen module (repeat with -Ddomus.hostile.seed=%x): %s",
                    seed, hostile.xen().firstInternalError()).isZero();

            // xenstored, which read whatever the guest left in its ring, still serves
            xs.write("/hostile-test", "alive");
            assertThat(xs.read("/hostile-test")).contains("alive");
            assertThat(xs.read("/local/domain/2/name")).contains("plain");

            // the plain domain ticked all along and still answers its power button
            int lastTick = tick(console.await(l -> TICK.matcher(l).matches(), 1, BOOT).getLast());
            console.await(l -> TICK.matcher(l).matches() && tick(l) > lastTick + 2, 1, Duration.ofSeconds(60));
            List<String> lines = console.lines();
            assertThat(lines.subList(unpausedAt, lines.indexOf(done)).stream().filter(l -> TICK.matcher(l).matches()).count())
                    .as("plain's ticks during the hostile run").isGreaterThan(2);
            plain.shutdown(Duration.ofSeconds(60));
            assertThat(console.await(l -> l.equals("(d2) DOMUS-POWERBUTTON plain"), 1, Duration.ofSeconds(60))).hasSize(1);
            assertThat(hv.awaitAll()).isZero();
            assertThat(plain.lastExit()).isInstanceOf(ExitReason.PowerOff.class);

            assertThat(heapAfter - heapBefore).as("heap growth over the run (bytes)").isLessThan(HEAP_GROWTH);
            assertThat(console.lines().stream().filter(l -> l.startsWith("(domus) ")
                    && (l.contains("xception") || l.contains("error") || l.contains("crash")))).isEmpty();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        assertThat(uncaught).as("exceptions no Domus thread caught").isEmpty();
    }

    private static int tick(String line) {
        Matcher m = TICK.matcher(line);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static long usedHeapAfterGc() {
        // Runtime rather than the MemoryMXBean: the module does not read java.management for a test's sake
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** d1 hostile (xen,enhanced, 2 vCPUs, the hostile kernel with its seed, no ramdisk), d2 plain (Debian's kernel, ticking on its vpl011). */
    private static String hostileAndPlain(Path dir, long seed) throws Exception {
        try (InputStream in = HostileGuestSystemTest.class.getResourceAsStream("hostile.bin")) {
            assertThat(in).as("hostile.bin built from src/test/el2").isNotNull();
            Files.copy(in, dir.resolve("hostile.bin"));
        }
        return TestTree.of(DomainNode.enhanced("hostile", "hostile.seed=%x".formatted(seed)).withCpus(2)
                        .withKernel(BootModule.file("hostile.bin")).withRamdisk(null),
                DomainNode.plain("plain", "console=ttyAMA0 quiet domus.name=plain domus.action=loop"))
                .source();
    }
}
