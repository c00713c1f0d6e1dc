package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.domus.dom0less.Plan;
import org.domus.engine.ExitReason;
import org.domus.hypervisor.TestSystem.Dom;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole systems of real guests (Debian's Arm64 kernel under QEMU, the busybox init of the payload) booted by
 * the hypervisor: all domains in parallel, each with its own memory, vCPUs and command line, and each one's
 * reboot or crash handled by its own policy while the others keep running.
 */
@EndToEnd
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SystemBootTest {
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Pattern READY = Pattern.compile("\\(d(\\d)\\) DOMUS-READY (\\S+) cpus=(\\d+) mem=(\\d+)kB");

    @Test
    void domainsBootInParallelWithTheirOwnVcpusMemoryAndCommandLine(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, List.of(
                new Dom("one", 128, 1, "domus.action=cmdline domus.tag=first"),
                new Dom("two", 192, 2, "domus.action=cmdline domus.tag=second"),
                new Dom("four", 256, 4, "domus.action=cmdline domus.tag=third")));
        ConsoleCapture console = new ConsoleCapture();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS)) {
            assertThat(hv.awaitAll()).isZero();
            assertThat(hv.domains()).allSatisfy(d -> {
                // xl's on_poweroff=destroy: a domain that powered off is gone, and says why
                assertThat(d.state()).isEqualTo(DomainState.DESTROYED);
                assertThat(d.lastExit()).isInstanceOf(ExitReason.PowerOff.class);
            });
        }
        List<String> ready = console.await(l -> READY.matcher(l).matches(), 3, BOOT);
        assertThat(ready).hasSize(3);
        for (String line : ready) {
            Matcher m = READY.matcher(line);
            assertThat(m.matches()).isTrue();
            int id = Integer.parseInt(m.group(1));
            int cpus = Integer.parseInt(m.group(3));
            long memKib = Long.parseLong(m.group(4));
            int mib = switch (m.group(2)) {
                case "one" -> 128;
                case "two" -> 192;
                default -> 256;
            };
            assertThat(id).as(line).isEqualTo(mib == 128 ? 1 : mib == 192 ? 2 : 3);
            assertThat(cpus).as(line).isEqualTo(mib == 128 ? 1 : mib == 192 ? 2 : 4);
            // MemTotal is the domain's RAM less what the kernel keeps for itself (code, page tables)
            assertThat(memKib).as(line).isLessThan(mib * 1024L).isGreaterThan((mib - 64) * 1024L);
        }
        List<String> cmdlines = console.lines().stream().filter(l -> l.contains("DOMUS-CMDLINE")).toList();
        assertThat(cmdlines).anySatisfy(l -> assertThat(l).startsWith("(d1) ").contains("domus.name=one", "domus.tag=first"));
        assertThat(cmdlines).anySatisfy(l -> assertThat(l).startsWith("(d3) ").contains("domus.tag=third"));
        assertThat(dir.resolve("run/d2-two/console.log")).content().contains("DOMUS-READY two cpus=2");
    }

    @Test
    void aRebootRestartsOnlyThatDomainWhileTheOtherKeepsPrinting(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, List.of(
                new Dom("rebooter", 128, 1, "domus.action=reboot"),
                new Dom("ticker", 128, 1, "domus.action=loop")));
        ConsoleCapture console = new ConsoleCapture();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS)) {
            console.await(l -> l.equals("(d1) DOMUS-READY rebooter cpus=1 mem=" + l.replaceAll(".*mem=", "")), 2, BOOT);
            int ticksAtSecondBoot = ticks(console);
            console.await(l -> l.startsWith("(d2) DOMUS-TICK ticker "), ticksAtSecondBoot + 5, BOOT);
            Domain ticker = hv.domains().get(1);
            assertThat(ticker.state()).isEqualTo(DomainState.RUNNING);
            assertThat(hv.domains().get(0).name()).isEqualTo("rebooter");
            assertThat(hv.domains().get(0).id()).isEqualTo(1);
        }
        // the ticker never restarted: its counter only went up, one by one
        List<Integer> counts = console.lines().stream().filter(l -> l.startsWith("(d2) DOMUS-TICK ticker "))
                .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1))).toList();
        for (int i = 0; i < counts.size(); i++) {
            assertThat(counts.get(i)).isEqualTo(i);
        }
        assertThat(console.lines()).contains("(domus) d1 rebooter: rebooted, restarting");
    }

    @Test
    void aPanicCrashesOnlyThatDomain(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, List.of(
                new Dom("crasher", 128, 1, "domus.action=panic"),
                new Dom("ticker", 128, 1, "domus.action=loop")));
        ConsoleCapture console = new ConsoleCapture();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS)) {
            Domain crasher = hv.domains().get(0);
            assertThat(crasher.awaitFinal(BOOT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            // xl's on_crash=destroy: gone, but the crash is remembered (and makes the system's status 1)
            assertThat(crasher.state()).isEqualTo(DomainState.DESTROYED);
            assertThat(crasher.lastExit()).isInstanceOf(ExitReason.Crash.class);
            assertThat(crasher.crashed()).isTrue();
            int ticksAtCrash = ticks(console);
            console.await(l -> l.startsWith("(d2) DOMUS-TICK ticker "), ticksAtCrash + 5, BOOT);
            assertThat(hv.domains().get(1).state()).isEqualTo(DomainState.RUNNING);
            hv.domains().get(1).destroy();
            assertThat(hv.awaitAll()).isEqualTo(1);
        }
        assertThat(console.lines()).anySatisfy(l -> assertThat(l).startsWith("(domus) d1 crasher: crashed"));
    }

    private static int ticks(ConsoleCapture console) {
        return (int) console.lines().stream().filter(l -> l.startsWith("(d2) DOMUS-TICK ")).count();
    }
}
