package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reaches the screen, byte for byte: whole lines, and the partial line of the domain holding input. */
class ConsoleMuxTest {
    private static final String ERASE = "\r\033[K";

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final ConsoleMux mux = new ConsoleMux(new PrintStream(screen, true, StandardCharsets.UTF_8));

    private String screen() {
        return screen.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void aFloodingGuestsLogIsRotatedIntoOneOldFileAndStaysBounded(@TempDir Path run) throws Exception {
        ConsoleMux quiet = new ConsoleMux(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        Path log = run.resolve("d1/console.log");
        quiet.attachLog(1, log);
        String filler = "x".repeat(1000);
        int lines = 40_000; // 40 MB from the guest
        for (int i = 0; i < lines; i++) {
            quiet.guestLine(1, i + " " + filler);
        }
        quiet.close();
        Path old = run.resolve("d1/console.log.1");
        assertThat(Files.size(log)).isLessThanOrEqualTo(16L << 20);
        assertThat(Files.size(old)).isLessThanOrEqualTo(16L << 20).isGreaterThan(15L << 20);
        assertThat(Files.readString(log)).endsWith((lines - 1) + " " + filler + "\n");
        String before = Files.readString(old);
        String first = Files.readString(log).lines().findFirst().orElseThrow();
        int firstInLog = Integer.parseInt(first.substring(0, first.indexOf(' ')));
        assertThat(before).as("the old file ends just before the new one starts: no line split or lost")
                .endsWith((firstInLog - 1) + " " + filler + "\n");
        try (var files = Files.list(log.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("console.log", "console.log.1");
        }
    }

    @Test
    void aLineLongerThanTheLimitIsCutAndTheLogGoesOnAfterAReattach(@TempDir Path run) throws Exception {
        ConsoleMux quiet = new ConsoleMux(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        Path log = run.resolve("console.log");
        quiet.attachLog(1, log, 100);
        quiet.guestLine(1, "y".repeat(500));
        assertThat(Files.size(log)).isEqualTo(100);
        quiet.attachLog(1, log, 100); // a reboot opens it again: the size counts what is there
        quiet.guestLine(1, "after");
        quiet.close();
        assertThat(Files.readString(log)).isEqualTo("after\n");
        assertThat(Files.readString(run.resolve("console.log.1"))).isEqualTo("y".repeat(100));
    }

    @Test
    void withoutInputFocusOnlyWholeLinesArePrinted() {
        mux.guestPartial(1, "~ # ");
        mux.guestLine(1, "~ # ls");
        mux.event("d1 one: powered off (destroy)");
        assertThat(screen()).isEqualTo("(d1) ~ # ls\n(domus) d1 one: powered off (destroy)\n");
    }

    @Test
    void theHoldersPromptAndEchoShowAsTheyComeAndTheLineEndsOnce() {
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(1, "~ # ");
        mux.guestPartial(1, "~ # e");
        mux.guestPartial(1, "~ # ec");
        mux.guestLine(1, "~ # ec");
        assertThat(screen()).isEqualTo("(domus) console input: d1 one\n(d1) ~ # ec\n");
    }

    @Test
    void anotherDomainsLineTakesThePartialLinesPlaceWhichIsDrawnAgainBelow() {
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(1, "~ # ec");
        mux.guestPartial(2, "login: ");
        mux.guestLine(2, "tick 5");
        mux.event("d3 three: rebooted, restarting");
        mux.guestPartial(1, "~ # echo");
        assertThat(screen()).isEqualTo("(domus) console input: d1 one\n(d1) ~ # ec"
                + ERASE + "(d2) tick 5\n(d1) ~ # ec"
                + ERASE + "(domus) d3 three: rebooted, restarting\n(d1) ~ # ec"
                + "ho");
    }

    @Test
    void switchingKeepsTheOldPromptOnScreenAndShowsTheNewHoldersAtOnce() {
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(2, "~ # ");
        mux.guestPartial(1, "~ # ");
        mux.focus(2, "console input: d2 two");
        mux.guestPartial(1, "~ # x");
        mux.focus(ConsoleSwitch.DOMUS, "console input: Domus");
        assertThat(screen()).isEqualTo("(domus) console input: d1 one\n(d1) ~ # "
                + "\n(domus) console input: d2 two\n(d2) ~ # "
                + "\n(domus) console input: Domus\n");
    }

    @Test
    void aPartialLineThatChangedIsDrawnWhole() {
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(1, "caf\uFFFD");
        mux.guestPartial(1, "café!");
        mux.guestLine(1, "café!?");
        mux.guestPartial(1, "ab");
        mux.guestLine(1, "xy");
        assertThat(screen()).isEqualTo("(domus) console input: d1 one\n(d1) caf\uFFFD" + ERASE + "(d1) café!" + "?\n"
                + "(d1) ab" + ERASE + "(d1) xy\n");
    }

    @Test
    void aDrawnAgainPromptAsksNoMoreForTheCursorPosition() {
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(1, "/ # \033[6n");
        mux.guestLine(2, "tick");
        mux.guestPartial(1, "/ # \033[6nl");
        assertThat(screen()).isEqualTo("(domus) console input: d1 one\n(d1) / # \033[6n"
                + ERASE + "(d2) tick\n(d1) / # " + "l");
    }

    @Test
    void aFinishedLineAsksTheTerminalNothing() {
        mux.guestLine(2, "/ # \033[6n");
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(1, "/ # \033[6n");
        mux.guestLine(1, "/ # \033[6nls");
        assertThat(screen()).isEqualTo("(d2) / # \n(domus) console input: d1 one\n(d1) / # \033[6nls\n");
    }

    @Test
    void afterInputStopsThePartialLineOnScreenGrowsNoMoreButIsStillEndedOnce() {
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(1, "/ # ");
        mux.unfocus();
        mux.guestPartial(1, "/ # \033[6n");
        mux.guestLine(2, "bye");
        mux.guestLine(1, "/ # \033[6n");
        assertThat(screen()).isEqualTo("(domus) console input: d1 one\n(d1) / # "
                + ERASE + "(d2) bye\n(d1) / # " + "\n");
    }

    @Test
    void aGuestsControlSequencesAreShownEscapedAndItsLogKeepsThemRaw(@TempDir Path dir) throws Exception {
        mux.attachLog(1, dir.resolve("console.log"));
        String attack = "\033]0;pwned\007\033[2J\033P$qm\033\\\033[21t";
        mux.guestLine(1, attack);
        mux.guestLine(1, "50%\r100%");
        mux.guestLine(1, "\033[1;32mOK\033[0m café ✓ 😀\tdone");
        mux.close();
        assertThat(screen()).isEqualTo("(d1) \\e]0;pwned\\a\\e[2J\\eP$qm\\e\\\\e[21t\n(d1) 50%\\r100%\n(d1) OK café ✓ 😀\tdone\n");
        assertThat(Files.readString(dir.resolve("console.log")))
                .isEqualTo(attack + "\n50%\r100%\n\033[1;32mOK\033[0m café ✓ 😀\tdone\n");
    }

    @Test
    void theHoldersLineIsEditedAsATerminalWouldShowItWithoutItsControls() {
        mux.focus(1, "console input: d1 one");
        mux.guestPartial(1, "~ # lx");
        mux.guestPartial(1, "~ # lx\b\033[J");                 // backspace, as busybox echoes it
        mux.guestPartial(1, "~ # lx\b\033[Js");
        mux.guestPartial(1, "~ # lx\b\033[Js\b");             // the cursor one to the left
        mux.guestLine(2, "tick");
        mux.guestLine(1, "~ # lx\b\033[Js\b");
        assertThat(screen()).isEqualTo("(domus) console input: d1 one\n(d1) ~ # lx"
                + ERASE + "(d1) ~ # l" + "s" + "\033[1D"
                + ERASE + "(d2) tick\n(d1) ~ # ls\033[1D"
                + ERASE + "(d1) ~ # ls\n");
    }

    @Test
    void namesInEventsAndMessagesAreShownEscaped() {
        mux.event("d1 \033]0;evil\007: rebooted");
        mux.focus(1, "console input: d1 \033[2J");
        assertThat(screen()).isEqualTo("(domus) d1 \\e]0;evil\\a: rebooted\n(domus) console input: d1 \\e[2J\n");
        assertThat(mux.events().events()).extracting(EventLog.Event::text).containsExactly("d1 \\e]0;evil\\a: rebooted");
    }
}
