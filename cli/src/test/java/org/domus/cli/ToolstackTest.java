package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.domus.dom0less.ExampleSystem;
import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlPaths;
import org.domus.hypervisor.ControlRequest;
import org.domus.testsupport.Await;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The toolstack against a real system: {@code domus boot} of three Arm64 guests that each print a numbered tick every
 * 200 ms, in a JVM of its own, and the commands run as a user would from another terminal. Each command acts on one
 * domain while the other two keep ticking: at the end every domain's ticks must run one by one without a number
 * missing, and the untouched ones without a pause. One system serves every test in order (guest boots are the
 * expensive part); the last ones kill it with SIGKILL and boot a sched=null system, detached, in its place.
 */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ToolstackTest {
    private static final Duration BOOT = Duration.ofSeconds(120);
    /**
     * Ticks come every 200 ms of guest time, but 2 cores shared by three TCG guests, this JVM and other tenants
     * can starve one for seconds: a coarse bound. Progress during each command is checked one by one.
     */
    private static final Duration MAX_TICK_GAP = Duration.ofSeconds(10);
    private static final Pattern TICK = Pattern.compile("\\(d(\\d)\\) DOMUS-TICK (\\S+) (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name = "e2e-" + ProcessHandle.current().pid();
    private Path dir;
    private Process domus;
    private final List<Line> output = Collections.synchronizedList(new ArrayList<>());
    private List<ProcessHandle> qemus = List.of();
    private long detachedPid = -1;

    /** A line the system printed, and when. */
    record Line(long nanos, String text) {
    }

    /** What one in-process domus command printed. */
    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    void boot() throws Exception {
        dir = Files.createTempDirectory("domus-toolstack-");
        TestGuest.copyInto(dir);
        Path system = write("system.dts", List.of(looper("domU1"), looper("domU2"), looper("domU3")), "conswitch=a");
        domus = DomusJvm.command("boot", system.toString(), "--name", name, "--run-dir", dir.resolve("run").toString())
                .redirectErrorStream(true).start();
        Thread.ofVirtual().start(() -> readLines(domus.getInputStream()));
        for (int d = 1; d <= 3; d++) {
            int id = d;
            await(l -> l.startsWith("(d" + id + ") DOMUS-TICK"), 1, BOOT);
        }
        qemus = domus.descendants().filter(p -> p.info().command().orElse("").contains("qemu-system")).toList();
        assertThat(qemus).hasSize(3);
    }

    @AfterAll
    void cleanUp() {
        if (domus != null) {
            domus.destroyForcibly();
        }
        qemus.forEach(ProcessHandle::destroyForcibly);
        if (detachedPid > 0) {
            ProcessHandle.of(detachedPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    @Order(1)
    void listAndInfoShowEveryDomain() throws Exception {
        Run list = domus("list", "--name", name);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).hasSize(4);
        assertThat(list.out()).doesNotContain("null").contains("domU1", "domU2", "domU3");
        assertThat(list.out().lines().skip(1).toList()).allSatisfy(row -> assertThat(row).matches(
                "domU\\d +\\d +128 +1 +[-rb]{6} +\\d+\\.\\d"));
        JsonNode json = JSON.readTree(domus("list", "--name", name, "--json").out());
        assertThat(json).hasSize(3);
        assertThat(json.get(2).path("name").asText()).isEqualTo("domU3");
        assertThat(json.get(2).path("state").asText()).isEqualTo("running");
        Run info = domus("info", "--name", name, "domU2");
        assertThat(info.out()).contains("d2 domU2", "running", "128 MiB", "domus.action=loop");
        Run unknown = domus("info", "--name", name, "domU9");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("domus: no domain 'domU9' (there are d1 domU1, d2 domU2, d3 domU3)");
        Run noSystem = domus("list", "--name", name + "-none");
        assertThat(noSystem.exit()).isEqualTo(1);
        assertThat(noSystem.err()).startsWith("domus: no system '" + name + "-none' is running");
    }

    @Test
    @Order(2)
    void pauseStopsOneDomainsTicksUntilUnpause() throws Exception {
        assertThat(domus("pause", "--name", name, "domU1").out().strip()).isEqualTo("d1 domU1: paused");
        // the other guests' ticks are the clock, not a sleep: a tick of d1 already on its way has arrived once they
        // ticked again, and then d1 stays silent while they tick eight times more (a running d1 would tick about four)
        int atPause = ticks(2).size() + ticks(3).size();
        Await.until(() -> ticks(2).size() + ticks(3).size() > atPause, BOOT, "a tick of d2 or d3 after d1 paused");
        int before = ticks(1).size();
        int others = ticks(2).size() + ticks(3).size();
        Await.until(() -> ticks(2).size() + ticks(3).size() >= others + 8, BOOT, "the others ticking while d1 is paused");
        assertThat(ticks(1)).hasSize(before);
        assertThat(JSON.readTree(domus("info", "--name", name, "d1", "--json").out()).path("flags").asText()).isEqualTo("--p---");
        assertThat(domus("unpause", "--name", name, "1").out().strip()).isEqualTo("d1 domU1: running");
        await(l -> l.startsWith("(d1) DOMUS-TICK"), before + 3, BOOT);
    }

    @Test
    @Order(3)
    void vcpuPinSetsTheAffinityOfTheVcpuThread() throws Exception {
        for (String cpu : List.of("1", "0")) {
            Run pin = domus("vcpu-pin", "--name", name, "domU2", "0", cpu);
            assertThat(pin.exit()).as(pin.err()).isZero();
            JsonNode vcpus = JSON.readTree(domus("vcpu-list", "--name", name, "domU2", "--json").out());
            long tid = vcpus.get(0).path("thread").asLong();
            assertThat(vcpus.get(0).path("affinity").asText()).isEqualTo(cpu);
            assertThat(cpusAllowed(tid)).isEqualTo(cpu);
        }
        Run all = domus("vcpu-list", "--name", name);
        assertThat(all.out()).contains("domU1", "domU3").containsPattern("domU2 +2 +0 +\\S+ +[rb] +\\d+\\.\\d +\\d+  0");
        Run bad = domus("vcpu-pin", "--name", name, "domU2", "0", "7");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("CPUs 7: this host has CPUs");
    }

    @Test
    @Order(4)
    void consoleAttachesFromAnotherProcessAndCtrlBracketDetaches() throws Exception {
        Process console = DomusJvm.command("console", "--name", name, "domU2").start();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(console.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    seen.add(l);
                }
            } catch (IOException e) {
                // ended
            }
        });
        // the replay holds the last ticks, then live ones follow: several ticks in all
        Await.until(() -> List.copyOf(seen), s -> s.stream().filter(l -> l.startsWith("DOMUS-TICK domU2 ")).count() >= 8,
                BOOT, "eight ticks on the attached console");
        OutputStream keys = console.getOutputStream();
        keys.write(0x1d);
        keys.flush();
        assertThat(console.waitFor(30, TimeUnit.SECONDS)).as("console exits on Ctrl-]").isTrue();
        reader.join(5000);
        String err = new String(console.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(console.exitValue()).as(err).isZero();
        assertThat(err).contains("(domus) attached to d2 domU2 (Ctrl-] detaches)", "(domus) detached from d2 domU2");
        assertThat(seen).noneMatch(l -> l.contains("domU1") || l.contains("domU3"));
    }

    @Test
    @Order(5)
    void rebootRebuildsOneDomainWithTheSameIdAndName() throws Exception {
        int d1 = ticks(1).size();
        int d2 = ticks(2).size();
        // the loop action powers off on the power button: the graceful way, no reset needed
        Run reboot = domus("reboot", "--name", name, "domU3", "--timeout", "60", "--wait");
        assertThat(reboot.exit()).as(reboot.err()).isZero();
        assertThat(reboot.out().strip()).isEqualTo("d3 domU3: running again (restart 1)");
        await(l -> l.equals("(d3) DOMUS-POWERBUTTON domU3"), 1, BOOT);
        await(l -> l.startsWith("(d3) DOMUS-READY domU3 "), 2, BOOT);
        await(l -> l.equals("(d3) DOMUS-TICK domU3 2"), 2, BOOT);
        assertThat(ticks(1).size()).as("d1 ticks through d3's reboot").isGreaterThan(d1 + 2);
        assertThat(ticks(2).size()).as("d2 ticks through d3's reboot").isGreaterThan(d2 + 2);
        // --force: no asking, the engine domain is destroyed and built again at once
        Run force = domus("reboot", "--name", name, "d3", "--force", "--wait");
        assertThat(force.out().strip()).as(force.err()).isEqualTo("d3 domU3: running again (restart 2)");
        await(l -> l.startsWith("(d3) DOMUS-READY domU3 "), 3, BOOT);
        JsonNode info = JSON.readTree(domus("info", "--name", name, "domU3", "--json").out());
        assertThat(info.path("id").asInt()).isEqualTo(3);
        assertThat(info.path("restarts").asInt()).isEqualTo(2);
        assertThat(lines(l -> l.startsWith("(d3) DOMUS-POWERBUTTON"))).hasSize(1);
    }

    @Test
    @Order(6)
    void shutdownPressesThePowerButton() throws Exception {
        await(l -> l.equals("(d3) DOMUS-TICK domU3 1"), 3, BOOT);
        int d1 = ticks(1).size();
        int d2 = ticks(2).size();
        Run shutdown = domus("shutdown", "--name", name, "domU3", "--timeout", "60", "--wait");
        assertThat(shutdown.exit()).as(shutdown.err()).isZero();
        assertThat(shutdown.out().strip()).isEqualTo("d3 domU3: shut down");
        await(l -> l.equals("(d3) DOMUS-POWERBUTTON domU3"), 2, BOOT);
        await(l -> l.startsWith("(d1) DOMUS-TICK"), d1 + 3, BOOT);
        await(l -> l.startsWith("(d2) DOMUS-TICK"), d2 + 3, BOOT);
        Run again = domus("shutdown", "--name", name, "domU3");
        assertThat(again.exit()).isEqualTo(1);
        // on_poweroff=destroy: a domain that shut down is gone, as in xl
        assertThat(again.err().strip()).isEqualTo("domus: d3 domU3 is destroyed: it cannot be shut down");
    }

    @Test
    @Order(7)
    void aGuestThatIgnoresThePowerButtonIsDestroyedAfterTheTimeout() throws Exception {
        // a paused guest cannot act on the button: the timeout is what stops it
        domus("pause", "--name", name, "domU1");
        int d2 = ticks(2).size();
        Run shutdown = domus("shutdown", "--name", name, "domU1", "--timeout", "1", "--wait");
        assertThat(shutdown.out().strip()).as(shutdown.err()).isEqualTo("d1 domU1: destroyed");
        await(l -> l.startsWith("(d2) DOMUS-TICK"), d2 + 3, BOOT);
        Run dmesg = domus("dmesg", "--name", name);
        assertThat(dmesg.out()).contains("d1 domU1: paused", "d2 domU2: vCPU 0 pinned to CPUs 1",
                "d3 domU3: reboot: power button pressed", "d3 domU3: reboot requested, restarting", "d3 domU3: reboot: resetting",
                "d3 domU3: powered off (destroy)", "d1 domU1: did not power off within 1 s: destroying", "d1 domU1: destroyed");
        assertThat(dmesg.out().lines()).as("every event timestamped").isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z] \\S.*"));
        // as xl list: the ended domains leave the list, --all shows them too
        Run list = domus("list", "--name", name);
        assertThat(list.out()).containsPattern("domU2 +2 +128 +1 +[-rb]{6}").doesNotContain("domU1", "domU3");
        Run all = domus("list", "--all", "--name", name);
        assertThat(all.out()).containsPattern("domU1 +1 +128 +1 +------").containsPattern("domU2 +2 +128 +1 +[-rb]{6}")
                .containsPattern("domU3 +3 +128 +1 +------");
        assertThat(domus("list", "--name", name, "domU3").out()).as("a domain named is shown whatever its state")
                .containsPattern("domU3 +3 +128 +1 +------");
    }

    @Test
    @Order(8)
    void everyDomainKeptTickingWhileTheOthersWereManaged() throws Exception {
        await(l -> l.startsWith("(d2) DOMUS-TICK"), ticks(2).size() + 3, BOOT);
        List<Line> d2 = ticks(2);
        assertConsecutive(d2, 0);
        assertNoGap(d2);
        // d1 was paused (a gap, but no tick lost: its counter goes on), then destroyed
        assertConsecutive(ticks(1), 0);
        // d3 was rebooted twice: three runs, each counting from 0 without a hole
        List<Line> d3 = ticks(3);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < d3.size(); i++) {
            if (number(d3.get(i)) == 0) {
                starts.add(i);
            }
        }
        assertThat(starts).hasSize(3);
        starts.add(d3.size());
        for (int r = 0; r < 3; r++) {
            assertConsecutive(d3.subList(starts.get(r), starts.get(r + 1)), 0);
        }
    }

    @Test
    @Order(9)
    void createBuildsAStoppedDomainAgainWithTheSameIdAndName() throws Exception {
        Run running = domus("create", "--name", name, "domU2");
        assertThat(running.exit()).isEqualTo(1);
        assertThat(running.err().strip()).isEqualTo("domus: d2 domU2 is running: only a stopped domain can be created again");
        Run create = domus("create", "--name", name, "domU1");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out().strip()).isEqualTo("d1 domU1: running");
        // a new guest: its counter starts again from 0, and the domain is listed again under its id
        await(l -> l.equals("(d1) DOMUS-TICK domU1 0"), 2, BOOT);
        assertThat(domus("list", "--name", name).out()).containsPattern("domU1 +1 +128 +1 +[-rb]{6}");
        assertThat(domus("dmesg", "--name", name).out()).contains("d1 domU1: create: building it again from the modules kept at boot");
    }

    @Test
    @Order(10)
    void schedNullRefusesMoreVcpusThanHostCpus() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        List<ExampleSystem.Domain> many = new ArrayList<>();
        for (int i = 1; i <= cpus + 1; i++) {
            many.add(looper("over" + i));
        }
        Path system = write("overcommit.dts", many, "sched=null");
        Run boot = domus("boot", system.toString(), "--name", name + "-over");
        assertThat(boot.exit()).isEqualTo(1);
        assertThat(boot.err()).contains("/chosen: error: the domains have %d vCPUs in total, the host has %d CPUs: sched=null gives each vCPU a CPU of its own"
                .formatted(cpus + 1, cpus));
        assertThat(ControlPaths.socket(name + "-over")).doesNotExist();
    }

    @Test
    @Order(11)
    void killMinus9LeavesNoQemuAndTheNextBootTakesTheName() throws Exception {
        Path socket = ControlPaths.socket(name);
        assertThat(socket).exists();
        domus.destroyForcibly();
        assertThat(domus.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle q : qemus) {
            assertThat(q.onExit().get(15, TimeUnit.SECONDS).isAlive()).as("QEMU %d", q.pid()).isFalse();
        }
        assertThat(socket).as("a kill -9 leaves the socket file behind").exists();
        Run stale = domus("list", "--name", name);
        assertThat(stale.err()).contains("no system '" + name + "' is running", "is stale");

        // the next boot, detached and under sched=null: one CPU of its own per vCPU, in order
        Path system = write("null.dts", List.of(looper("first"), looper("second")), "sched=null");
        Process detach = DomusJvm.command("boot", system.toString(), "--detach", "--name", name, "--run-dir", dir.resolve("run2").toString())
                .redirectErrorStream(true).start();
        String said = new String(detach.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(detach.waitFor(BOOT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(detach.exitValue()).as(said).isZero();
        assertThat(said).contains("system '" + name + "' runs in the background", "domus console --name " + name + " first",
                "\ndomus: xenstore: XENSTORED_PATH=" + ControlPaths.xenstoreSocket(name) + " xenstore-ls /local/domain\n");
        try (ControlClient client = ControlClient.connect(name)) {
            detachedPid = client.call(new ControlRequest.SystemQuery()).pid();
        }
        JsonNode vcpus = JSON.readTree(domus("vcpu-list", "--name", name, "--json").out());
        assertThat(vcpus).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(vcpus.get(i).path("affinity").asText()).isEqualTo(Integer.toString(i));
            assertThat(cpusAllowed(vcpus.get(i).path("thread").asLong())).isEqualTo(Integer.toString(i));
        }
        Path log = dir.resolve("run2/domus.log");
        awaitFile(log, "(d2) DOMUS-TICK second 1");
        assertThat(Files.readString(log)).contains("removed the stale control socket");
        // destroying its last domain ends the system, and its socket goes with it
        assertThat(domus("destroy", "--name", name, "first").out().strip()).isEqualTo("d1 first: destroyed");
        assertThat(domus("list", "--name", name).out()).containsPattern("second +2 +128 +1 +[-rb]{6}");
        assertThat(domus("destroy", "--name", name, "d2").out().strip()).isEqualTo("d2 second: destroyed");
        var served = ProcessHandle.of(detachedPid);
        if (served.isPresent()) {
            served.get().onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(socket).doesNotExist();
    }

    // ---- helpers ----

    static ExampleSystem.Domain looper(String n) {
        return new ExampleSystem.Domain(n, 128, 1, "console=ttyAMA0 quiet domus.name=" + n + " domus.action=loop");
    }

    private Path write(String file, List<ExampleSystem.Domain> domains, String xenArgs) throws IOException {
        String dts = ExampleSystem.source("", domains, "Image", "initramfs.cpio.gz")
                .replaceFirst("(\t+#size-cells = <1>;\n)", "$1\t\txen,xen-bootargs = \"" + xenArgs + "\";\n");
        assertThat(dts).contains(xenArgs);
        Path path = dir.resolve(file);
        Files.writeString(path, dts);
        return path;
    }

    /** {@code domus ARGS} in this JVM (the toolstack commands are clients: no guest runs here). */
    static Run domus(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private void readLines(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                output.add(new Line(System.nanoTime(), l));
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private List<String> lines(Predicate<String> match) {
        synchronized (output) {
            return output.stream().map(Line::text).filter(match).toList();
        }
    }

    private List<Line> ticks(int domain) {
        synchronized (output) {
            return output.stream().filter(l -> l.text().startsWith("(d" + domain + ") DOMUS-TICK ")).toList();
        }
    }

    private static int number(Line tick) {
        Matcher m = TICK.matcher(tick.text());
        assertThat(m.matches()).as(tick.text()).isTrue();
        return Integer.parseInt(m.group(3));
    }

    private static void assertConsecutive(List<Line> ticks, int first) {
        for (int i = 0; i < ticks.size(); i++) {
            assertThat(number(ticks.get(i))).as("tick %d: %s", i, ticks.get(i).text()).isEqualTo(first + i);
        }
    }

    private static void assertNoGap(List<Line> ticks) {
        for (int i = 1; i < ticks.size(); i++) {
            long gap = ticks.get(i).nanos() - ticks.get(i - 1).nanos();
            assertThat(Duration.ofNanos(gap)).as("between '%s' and '%s'", ticks.get(i - 1).text(), ticks.get(i).text())
                    .isLessThan(MAX_TICK_GAP);
        }
    }

    private void await(Predicate<String> match, int count, Duration timeout) {
        Await.until(() -> {
            synchronized (output) {
                return "\n" + String.join("\n", output.stream().map(Line::text).toList());
            }
        }, out -> out.lines().filter(match).count() >= count, timeout, count + " matching lines of the output");
    }

    private static void awaitFile(Path file, String text) {
        Await.until(() -> {
            try {
                return Files.exists(file) ? Files.readString(file) : "(missing)";
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }, content -> content.contains(text), BOOT, "'%s' in %s".formatted(text, file));
    }

    private static String cpusAllowed(long tid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(tid), "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElseThrow();
    }
}
