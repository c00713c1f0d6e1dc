package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.domus.cli.ToolstackTest.Run;
import org.domus.testsupport.DomainNode;
import org.domus.testsupport.TestTree;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * xl's sysrq, mem-set and vcpu-set through xenstore, against Debian's unmodified Arm64 kernel as a Xen guest: one
 * {@code domus boot} of an enhanced domain with 2 vCPUs and 128 MiB (its init prints {@code DOMUS-GUEST} lines with
 * MemTotal and the online CPUs at each change) beside a plain domain, and the commands run as a user would. Before
 * init-dom0less the guest cannot be asked and each command says so; after it, sysrq h prints the kernel's help, mem-set
 * 64m makes the balloon give back memory (MemTotal drops, and so does the QEMU process's resident shared memory, the
 * pages being punched out of the RAM file) and 128m takes it again, vcpu-set 1 takes CPU 1 offline and 2 brings it
 * back. The plain domain refuses each command with the reason. Missing QEMU or payload skip it, or fail it under
 * {@code DOMUS_REQUIRE_E2E=1}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class XenGuestToolstackTest {
    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final Duration ACT = Duration.ofSeconds(120);
    private static final Pattern GUEST = Pattern.compile("\\(d1\\) DOMUS-GUEST xenguest mem=(\\d+)kB cpus=(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name = "xg-" + ProcessHandle.current().pid();
    /** The system every test talks to, stopped after the last (JUnit closes it). */
    @AutoClose
    private RunningBoot running;
    private Path dir;
    private Process domus;
    private ProcessHandle qemu;

    @BeforeAll
    void boot() throws Exception {
        dir = Files.createTempDirectory("domus-xenguest-");
        TestGuest.copyInto(dir);
        Path system = dir.resolve("system.dts");
        Files.writeString(system, SYSTEM);
        running = RunningBoot.start(system, name, dir.resolve("run"));
        domus = running.process();
        await(l -> GUEST.matcher(l).matches(), BOOT);
        await(l -> l.startsWith("(d2) DOMUS-TICK plain "), BOOT);
        qemu = domus.descendants().filter(p -> p.info().commandLine().orElse("").contains("guest=xenguest,")).findFirst()
                .orElseThrow(() -> new AssertionError("no QEMU process for xenguest"));
    }

    @Test
    @Order(1)
    void beforeInitDom0lessTheGuestCannotBeAskedAndEachCommandSaysWhy() {
        String why = "domus: d1 xenguest has not connected to xenstore: run domus init-dom0less";
        for (String[] args : List.of(new String[] {"sysrq", "xenguest", "h"}, new String[] {"mem-set", "xenguest", "64m"},
                new String[] {"vcpu-set", "xenguest", "1"})) {
            Run r = domus(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo(why);
        }
    }

    @Test
    @Order(2)
    void aPlainDomainRefusesEachWithTheReason() {
        for (String[] args : List.of(new String[] {"sysrq", "plain", "h", "control/sysrq"},
                new String[] {"mem-set", "plain", "64m", "memory/target"}, new String[] {"vcpu-set", "plain", "1", "cpu/N/availability"})) {
            Run r = domus(args[0], args[1], args[2]);
            assertThat(r.exit()).as(args[0]).isEqualTo(1);
            assertThat(r.err().lines().toList()).hasSize(1);
            assertThat(r.err()).startsWith("domus: d2 plain is not a Xen guest (no xen,enhanced in its node, so its kernel sees no Xen)")
                    .contains("which goes through xenstore's " + args[3]);
        }
    }

    @Test
    @Order(3)
    void afterInitDom0lessSysrqHPrintsTheKernelsHelp() throws Exception {
        Run init = domus("init-dom0less");
        assertThat(init.exit()).as(init.err()).isZero();
        assertThat(init.out()).contains("d1 xenguest: initialised");
        awaitConnected();
        Run sysrq = domus("sysrq", "xenguest", "h");
        assertThat(sysrq.exit()).as(sysrq.err()).isZero();
        assertThat(sysrq.out().strip()).isEqualTo("d1 xenguest: sysrq h written to control/sysrq");
        await(l -> l.startsWith("(d1) ") && l.contains("sysrq: HELP : "), ACT);
        assertThat(lines(l -> l.contains("(domus) d1 xenguest: sysrq: control/sysrq = h"))).hasSize(1);
        Run twoKeys = domus("sysrq", "xenguest", "hh");
        assertThat(twoKeys.exit()).isEqualTo(2);
        assertThat(twoKeys.err()).contains("sysrq key 'hh': give one letter");
    }

    @Test
    @Order(4)
    void memSetShrinksTheGuestAndQemuAndGivesItBack() throws Exception {
        int full = memTotal();
        Map<String, Long> before = status(qemu.pid());
        Run set = domus("mem-set", "xenguest", "64m");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out().strip()).isEqualTo("d1 xenguest: memory target 65536 KiB (64 MiB) written to memory/target");
        // the balloon gives back what the kernel had above the target: about 64 MiB of the 128 it was built with
        int shrunk = awaitGuest(m -> Integer.parseInt(m.group(1)) <= full - 60 * 1024).mem();
        Thread.sleep(2000); // the balloon works in steps: let its last ones land
        Map<String, Long> after = status(qemu.pid());
        System.out.printf("mem-set 64m: MemTotal %d -> %d kB; QEMU VmRSS %d -> %d kB, RssShmem %d -> %d kB%n", full, shrunk,
                before.get("VmRSS"), after.get("VmRSS"), before.get("RssShmem"), after.get("RssShmem"));
        assertThat(after.get("RssShmem")).as("the guest RAM QEMU holds").isLessThan(before.get("RssShmem") - 16 * 1024);
        assertThat(after.get("VmRSS")).isLessThan(before.get("VmRSS") - 16 * 1024);
        JsonNode info = JSON.readTree(domus("info", "xenguest", "--json").out());
        assertThat(info.path("memoryKib").asLong()).as("what it holds, as xl list shows it").isBetween(60L * 1024, 68L * 1024);

        Run tooMuch = domus("mem-set", "xenguest", "256m");
        assertThat(tooMuch.exit()).isEqualTo(1);
        assertThat(tooMuch.err().strip()).isEqualTo("domus: d1 xenguest: cannot set its memory target to 262144 KiB: "
                + "memory_dynamic_max must be less than or equal to memory_static_max (131072 KiB, the memory it was built with)");
        Run bad = domus("mem-set", "xenguest", "1.5g");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid memory size: '1.5g'");

        Run back = domus("mem-set", "xenguest", "131072k", "--json");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(JSON.readTree(back.out()).path("name").asText()).isEqualTo("xenguest");
        int regrown = awaitGuest(m -> Integer.parseInt(m.group(1)) >= full - 1024).mem();
        System.out.printf("mem-set 128m: MemTotal %d -> %d kB%n", shrunk, regrown);
    }

    @Test
    @Order(5)
    void vcpuSetTakesCpu1OfflineAndBack() throws Exception {
        assertThat(lastGuest().cpus()).isEqualTo("0-1");
        Run one = domus("vcpu-set", "xenguest", "1");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out().strip()).isEqualTo("d1 xenguest: 1 of its 2 vCPUs online (cpu/N/availability written)");
        awaitGuest(m -> m.group(2).equals("0"));
        Run two = domus("vcpu-set", "xenguest", "2");
        assertThat(two.exit()).as(two.err()).isZero();
        awaitGuest(m -> m.group(2).equals("0-1"));
        for (int i = 0; i < 2; i++) {
            assertThat(domus("vcpu-set", "xenguest", "1").exit()).isZero();
            awaitGuest(m -> m.group(2).equals("0"));
            assertThat(domus("vcpu-set", "xenguest", "2").exit()).isZero();
            awaitGuest(m -> m.group(2).equals("0-1"));
        }

        Run three = domus("vcpu-set", "xenguest", "3");
        assertThat(three.exit()).isEqualTo(1);
        assertThat(three.err().strip()).isEqualTo("domus: d1 xenguest: requested 3 vCPUs, however it has 2 (cpus in its node)");
        Run none = domus("vcpu-set", "xenguest", "0");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("requested 0 vCPUs: a domain keeps at least one");
        assertThat(domus.isAlive()).isTrue();
        // the plain domain ticked on through all of it
        int ticks = lines(l -> l.startsWith("(d2) DOMUS-TICK plain ")).size();
        long end = System.nanoTime() + ACT.toNanos();
        while (lines(l -> l.startsWith("(d2) DOMUS-TICK plain ")).size() < ticks + 3 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(lines(l -> l.startsWith("(d2) DOMUS-TICK plain "))).hasSizeGreaterThanOrEqualTo(ticks + 3);
    }

    // ---- helpers ----

    private static final String SYSTEM = TestTree.of(
            DomainNode.enhanced("xenguest", "console=hvc0 quiet domus.name=xenguest domus.fill=72 domus.action=monitor").withCpus(2),
            DomainNode.plain("plain", "console=ttyAMA0 quiet domus.name=plain domus.action=loop"))
            .source();

    /** One DOMUS-GUEST line: MemTotal in kB and the online CPUs. */
    record Guest(int mem, String cpus) {
    }

    private Run domus(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--name");
        all.add(2, name);
        return ToolstackTest.domus(all.toArray(String[]::new));
    }

    /** Until the guest's kernel talks on its store ring: vcpu-set of every vCPU changes nothing in it. */
    private void awaitConnected() throws InterruptedException {
        long end = System.nanoTime() + ACT.toNanos();
        Run r;
        while ((r = domus("vcpu-set", "xenguest", "2")).exit() != 0) {
            assertThat(r.err()).contains("has not connected to xenstore yet");
            if (System.nanoTime() > end) {
                fail("the guest never talked on its store ring: " + r.err());
            }
            Thread.sleep(200);
        }
    }

    private int memTotal() {
        return lastGuest().mem();
    }

    private Guest lastGuest() {
        List<String> l = lines(x -> GUEST.matcher(x).matches());
        assertThat(l).isNotEmpty();
        return guest(l.getLast());
    }

    private static Guest guest(String line) {
        Matcher m = GUEST.matcher(line);
        assertThat(m.matches()).isTrue();
        return new Guest(Integer.parseInt(m.group(1)), m.group(2));
    }

    /** The first DOMUS-GUEST line from now on that {@code match} accepts. */
    private Guest awaitGuest(Predicate<Matcher> match) throws InterruptedException {
        int from = lines(l -> true).size();
        long end = System.nanoTime() + ACT.toNanos();
        while (System.nanoTime() < end) {
            List<String> all = lines(l -> true);
            for (String l : all.subList(Math.max(0, from - 1), all.size())) {
                Matcher m = GUEST.matcher(l);
                if (m.matches() && match.test(m)) {
                    return guest(l);
                }
            }
            Thread.sleep(100);
        }
        fail("no such DOMUS-GUEST line within %s; output:%n%s".formatted(ACT, String.join("\n", lines(l -> true))));
        throw new AssertionError("unreachable");
    }

    /** The kB figures of /proc/PID/status (VmRSS, RssShmem…). */
    private static Map<String, Long> status(long pid) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            String[] f = l.split("\\s+");
            if (f.length == 3 && f[2].equals("kB")) {
                out.put(f[0].substring(0, f[0].length() - 1), Long.parseLong(f[1]));
            }
        }
        return out;
    }

    private List<String> lines(Predicate<String> match) {
        return running.matching(match);
    }

    private void await(Predicate<String> match, Duration timeout) {
        running.await(match, timeout);
    }
}
