package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Plan;
import org.domus.hypervisor.TestSystem.Dom;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typing into two real guests' shells (busybox sh on the console) through JLine's software tty: a command typed
 * while d1 holds input runs on d1 (a typo taken back shows as taken back), three Ctrl-A move input to d2, and the
 * next command runs there.
 */
@EndToEnd
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsoleInputSystemTest {
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final byte CTRL_A = 1;

    @Test
    void commandsRunOnTheDomainHoldingInputAndCtrlAThriceMovesIt(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, List.of(
                new Dom("left", 128, 1, "domus.action=shell"),
                new Dom("right", 128, 1, "domus.action=shell")));
        ConsoleCapture console = new ConsoleCapture();
        ConsoleMux mux = new ConsoleMux(console.printStream());
        KeyboardTerminal keyboard = KeyboardTerminal.create();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), mux, ExitPolicies.XL_DEFAULTS);
             ConsoleInput input = ConsoleInput.start(keyboard, hv.domains(), mux, plan.conswitch(), hv::close)) {
            console.await(l -> l.contains("DOMUS-READY"), 2, BOOT);
            console.awaitPartial(p -> p.startsWith("(d1) ") && p.endsWith("# "), BOOT);
            type(keyboard, "echo marker-1\r");
            console.await(l -> ConsoleCapture.onScreen(l).equals("(d1) marker-1"), 1, ANSWER);
            // a typo taken back with the backspace key (DEL): busybox echoes it as BS and erase-to-end, which the
            // line on screen must show applied, not as control characters
            type(keyboard, "echo markex");
            console.awaitPartial(p -> p.endsWith("# echo markex"), ANSWER);
            type(keyboard, new byte[] {0x7f});
            console.awaitPartial(p -> p.endsWith("# echo marke"), ANSWER);
            type(keyboard, "r-3\r");
            console.await(l -> ConsoleCapture.onScreen(l).equals("(d1) marker-3"), 1, ANSWER);

            type(keyboard, new byte[] {CTRL_A, CTRL_A, CTRL_A});
            console.await(l -> l.equals("(domus) console input: d2 right (Ctrl-A x3 to switch)"), 1, ANSWER);
            console.awaitPartial(p -> p.startsWith("(d2) ") && p.endsWith("# "), BOOT);
            type(keyboard, "echo marker-2\r");
            console.await(l -> ConsoleCapture.onScreen(l).equals("(d2) marker-2"), 1, ANSWER);
        }
        List<String> shown = console.lines().stream().map(ConsoleCapture::onScreen).toList();
        assertThat(shown).contains("(d1) marker-1", "(d2) marker-2")
                .doesNotContain("(d2) marker-1", "(d1) marker-2");
        assertThat(shown).anySatisfy(l -> assertThat(l).startsWith("(d1) ").endsWith("# echo marker-1"));
        assertThat(shown).anySatisfy(l -> assertThat(l).startsWith("(d1) ").endsWith("# echo marker-3"));
        assertThat(console.lines()).noneMatch(l -> l.indexOf('\b') >= 0 || l.indexOf('\u007f') >= 0);
        assertThat(dir.resolve("run/d2-right/console.log")).content().contains("marker-2").doesNotContain("marker-1");
    }

    private static void type(KeyboardTerminal keyboard, String keys) throws Exception {
        type(keyboard, keys.getBytes(StandardCharsets.UTF_8));
    }

    private static void type(KeyboardTerminal keyboard, byte[] keys) throws Exception {
        keyboard.processInputBytes(keys);
    }
}
