package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.domus.cli.ToolstackTest.Run;
import org.domus.dom0less.ExampleSystem;
import org.domus.hypervisor.ControlPaths;
import org.domus.testsupport.E2E;
import org.domus.testsupport.EndToEnd;
import org.domus.testsupport.Tools;
import org.domus.xen.XenLayout;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A running system's xenstored with Debian's own {@code xenstore-utils}: one {@code domus boot} of two Arm64 guests
 * (domU1 {@code xen,enhanced}, domU2 not) serves every test in order. The tools list and read the domains' entries,
 * a write reaches a watcher, a name written to the store is the one {@code domus list} shows, init-dom0less gives
 * domU1 its store page once, a reboot rebuilds domU1's entries (and fires @introduceDomain again), a destroy fires
 * @releaseDomain and removes domU2's, and the system's end removes the socket. Missing tools or QEMU skip it, or
 * fail it under {@code DOMUS_REQUIRE_E2E=1}.
 */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class XenstoreSystemTest {
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final List<String> TOOLS = List.of("xenstore-ls", "xenstore-read", "xenstore-write", "xenstore-watch");
    /** Where a Xen guest of 128 MiB finds its store page: the xen module's pages in the top MiB of its RAM. */
    private static final String STORE_GFN = Long.toString(XenLayout.topOfRam(0x4000_0000L, 128L << 20).storePfn());

    private final String name = "xs-" + ProcessHandle.current().pid();
    /** The system every test talks to, stopped after the last (JUnit closes it). */
    @AutoClose
    private RunningBoot running;
    private Path dir;
    private Path system;
    private Path socket;
    private Process domus;

    @BeforeAll
    void boot() throws Exception {
        requireTools();
        dir = Files.createTempDirectory("domus-xenstore-");
        TestGuest.copyInto(dir);
        String dts = ExampleSystem.source("", List.of(ToolstackTest.looper("domU1"), ToolstackTest.looper("domU2")),
                "Image", "initramfs.cpio.gz");
        // domU1 only: the first vpl011 is domU1's
        dts = dts.replaceFirst("vpl011;", "vpl011;\n\t\t\txen,enhanced = \"enabled\";");
        system = dir.resolve("system.dts");
        Files.writeString(system, dts);
        running = RunningBoot.start(system, name, dir.resolve("run"));
        domus = running.process();
        await(l -> l.startsWith("(d1) DOMUS-TICK"), BOOT);
        await(l -> l.startsWith("(d2) DOMUS-TICK"), BOOT);
        socket = ControlPaths.xenstoreSocket(name);
    }

    @Test
    @Order(1)
    void bootAndPlanSayHowToReachTheStoreAndWhatTheGuestSees() throws Exception {
        assertThat(lines(l -> l.startsWith("(domus) xenstore: XENSTORED_PATH="))).containsExactly(
                "(domus) xenstore: XENSTORED_PATH=" + socket + " xenstore-ls /local/domain");
        // its guest is a Xen guest: no line saying it cannot reach the store
        assertThat(lines(l -> l.startsWith("(domus) xenstore: d1 domU1 on the qemu engine"))).isEmpty();
        Run plan = ToolstackTest.domus("plan", system.toString());
        assertThat(plan.exit()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("enhanced  enabled: store event channel 1, STORE_PFN ~0 until init-dom0less",
                "enhanced  no\n", "xenstore: d1 domU1: Xen guests on the qemu engine");
        assertThat(plan.out().lines().filter(l -> l.startsWith("xenstore:"))).hasSize(1);
    }

    @Test
    @Order(2)
    void xenstoreLsAndReadShowEveryDomainUnderItsRealName() throws Exception {
        Tool ls = tool("xenstore-ls", "/local/domain");
        assertThat(ls.exit()).as(ls.err()).isZero();
        assertThat(ls.out()).contains("1 = \"\"", "2 = \"\"", " name = \"domU1\"", " name = \"domU2\"", " domid = \"1\"",
                " static-max = \"131072\"");
        assertThat(tool("xenstore-read", "/local/domain/1/name").out()).isEqualTo("domU1\n");
        assertThat(tool("xenstore-read", "/local/domain/2/name").out()).isEqualTo("domU2\n");
    }

    @Test
    @Order(3)
    void xenstoreWriteReachesAWatcher() throws Exception {
        Process watch = command("xenstore-watch", "-n", "2", "/local/domain/1/data/greeting").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("the event on registration").isEqualTo("/local/domain/1/data/greeting");
            Tool write = tool("xenstore-write", "/local/domain/1/data/greeting", "hello");
            assertThat(write.exit()).as(write.err()).isZero();
            assertThat(out.readLine()).isEqualTo("/local/domain/1/data/greeting");
            assertThat(watch.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            watch.destroyForcibly();
        }
        assertThat(tool("xenstore-read", "/local/domain/1/data/greeting").out()).isEqualTo("hello\n");
    }

    @Test
    @Order(4)
    void aNameWrittenToTheStoreShowsInDomusList() throws Exception {
        assertThat(tool("xenstore-write", "/local/domain/2/name", "renamed").exit()).isZero();
        Run list = ToolstackTest.domus("list", "--name", name);
        assertThat(list.out()).containsPattern("renamed +2 +128 +1").doesNotContain("domU2");
        assertThat(ToolstackTest.domus("info", "--name", name, "renamed").out()).contains("d2 renamed");
        // whoever writes the store chooses the name: its terminal controls are shown escaped, never obeyed
        assertThat(tool("xenstore-write", "/local/domain/2/name", "\033]0;pwned\007web\033[2J").exit()).isZero();
        String shown = "\\e]0;pwned\\aweb\\e[2J";
        assertThat(ToolstackTest.domus("list", "--name", name).out()).containsPattern(Pattern.quote(shown) + " +2 +128 +1")
                .doesNotContain("\033");
        assertThat(ToolstackTest.domus("info", "--name", name, "d2").out()).contains("d2 " + shown).doesNotContain("\033");
        assertThat(tool("xenstore-write", "/local/domain/2/name", "domU2").exit()).isZero();
        assertThat(ToolstackTest.domus("list", "--name", name).out()).containsPattern("domU2 +2 +128 +1");
    }

    @Test
    @Order(5)
    void initDom0lessGivesTheEnhancedDomainItsStorePageOnce() throws Exception {
        assertThat(tool("xenstore-read", "/local/domain/1/store/ring-ref").exit()).as("no page before the handshake").isEqualTo(1);
        Run first = ToolstackTest.domus("init-dom0less", "--name", name);
        assertThat(first.exit()).as(first.err()).isZero();
        List<String> said = first.out().lines().toList();
        assertThat(said).hasSize(2);
        assertThat(said.get(0)).startsWith("d1 domU1: initialised: store event channel 1, STORE_PFN 0x"
                + Long.toHexString(Long.parseLong(STORE_GFN))).contains("its ring connected to xenstored");
        assertThat(said.get(1)).startsWith("d2 domU2: not xen,enhanced");
        assertThat(tool("xenstore-read", "/local/domain/1/store/ring-ref").out()).isEqualTo(STORE_GFN + "\n");
        assertThat(tool("xenstore-read", "/local/domain/1/store/port").out()).isEqualTo("1\n");

        Run again = ToolstackTest.domus("init-dom0less", "--name", name);
        assertThat(again.out().lines().findFirst().orElseThrow()).startsWith("d1 domU1: already initialised");
        assertThat(tool("xenstore-read", "/local/domain/1/data/greeting").out()).as("nothing rewritten").isEqualTo("hello\n");
    }

    @Test
    @Order(6)
    void aRebootRebuildsTheEntriesAndIntroducesTheDomainAgain() throws Exception {
        String vm = tool("xenstore-read", "/local/domain/1/vm").out();
        Process watch = command("xenstore-watch", "-n", "2", "@introduceDomain").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("@introduceDomain");
            Run reboot = ToolstackTest.domus("reboot", "--name", name, "domU1", "--force", "--wait");
            assertThat(reboot.out().strip()).as(reboot.err()).isEqualTo("d1 domU1: running again (restart 1)");
            assertThat(out.readLine()).isEqualTo("@introduceDomain");
            assertThat(watch.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            watch.destroyForcibly();
        }
        assertThat(tool("xenstore-read", "/local/domain/1/name").out()).isEqualTo("domU1\n");
        assertThat(tool("xenstore-read", "/local/domain/1/vm").out()).as("the same uuid").isEqualTo(vm);
        assertThat(tool("xenstore-read", "/local/domain/1/data/greeting").exit()).as("a new guest's entries").isEqualTo(1);
        assertThat(tool("xenstore-read", "/local/domain/1/store/ring-ref").out()).as("the page at once, no handshake")
                .isEqualTo(STORE_GFN + "\n");
        assertThat(ToolstackTest.domus("init-dom0less", "--name", name).out()).contains("d1 domU1: already initialised");
    }

    @Test
    @Order(7)
    void destroyFiresReleaseDomainAndRemovesTheEntries() throws Exception {
        Process watch = command("xenstore-watch", "-n", "2", "@releaseDomain").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("@releaseDomain");
            assertThat(ToolstackTest.domus("destroy", "--name", name, "domU2").out().strip()).isEqualTo("d2 domU2: destroyed");
            assertThat(out.readLine()).isEqualTo("@releaseDomain");
            assertThat(watch.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            watch.destroyForcibly();
        }
        Tool gone = tool("xenstore-read", "/local/domain/2/name");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(tool("xenstore-ls", "/local/domain").out()).contains(" name = \"domU1\"").doesNotContain("domU2");
        assertThat(ToolstackTest.domus("list", "--name", name).out()).doesNotContain("domU2");
        assertThat(ToolstackTest.domus("list", "--all", "--name", name).out()).containsPattern("domU2 +2 +128 +1 +------");
    }

    @Test
    @Order(8)
    void theSystemsEndRemovesTheStoreSocket() throws Exception {
        assertThat(socket).exists();
        assertThat(ToolstackTest.domus("destroy", "--name", name, "domU1").exit()).isZero();
        assertThat(domus.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(socket).doesNotExist();
        assertThat(ControlPaths.socket(name)).doesNotExist();
    }

    // ---- helpers ----

    record Tool(int exit, String out, String err) {
    }

    private static void requireTools() {
        List<String> missing = TOOLS.stream().filter(t -> Tools.which(t) == null).toList();
        if (missing.isEmpty()) {
            return;
        }
        E2E.unavailable(String.join(", ", missing) + " not on PATH (Debian package xenstore-utils)");
    }

    private ProcessBuilder command(String... argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("XENSTORED_PATH", socket.toString());
        return pb;
    }

    private Tool tool(String... argv) throws IOException, InterruptedException {
        Process p = command(argv).start();
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", argv) + " did not finish in 10 s");
        }
        return new Tool(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private List<String> lines(Predicate<String> match) {
        return running.matching(match);
    }

    private void await(Predicate<String> match, Duration timeout) {
        running.await(match, timeout);
    }
}
