package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Plan;
import org.domus.hypervisor.TestSystem.Dom;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile guest through the real console path (Debian's kernel, busybox's printf on its PL011, QEMU's socket,
 * the pump, the multiplexer): the window title, a screen clear, a DECRQSS and a title report request, a C1 CSI and
 * a carriage return reach the terminal escaped, and the domain's console.log holds them as the guest sent them.
 */
@EndToEnd
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsoleEscapesSystemTest {
    /** What the test payload's {@code escapes} action prints (see Initramfs). */
    private static final String SENT = "DOMUS-ESCAPES \033]0;pwned\007\033[2J\033P$qm\033\\\033[21t\u009b 50%\r100% café";
    private static final String SHOWN = "(d1) DOMUS-ESCAPES \\e]0;pwned\\a\\e[2J\\eP$qm\\e\\\\e[21t\\u009b 50%\\r100% café";

    @Test
    void aGuestsControlSequencesReachTheTerminalEscapedAndItsLogRaw(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, List.of(new Dom("hostile", 128, 1, "domus.action=escapes")));
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"),
                new ConsoleMux(new PrintStream(screen, true, StandardCharsets.UTF_8)), ExitPolicies.XL_DEFAULTS)) {
            assertThat(hv.awaitAll()).isZero();
        }
        String shown = screen.toString(StandardCharsets.UTF_8);
        // split at line feeds only: String.lines() would split at the carriage return too
        assertThat(List.of(shown.split("\n"))).contains(SHOWN);
        // nothing the guest printed, boot messages included, is a control on the terminal (no domain held input)
        assertThat(shown.codePoints()).noneMatch(c -> TerminalText.isControl(c) && c != '\n' && c != '\t');
        assertThat(List.of(Files.readString(dir.resolve("run/d1-hostile/console.log"), StandardCharsets.UTF_8).split("\n")))
                .contains(SENT);
    }
}
