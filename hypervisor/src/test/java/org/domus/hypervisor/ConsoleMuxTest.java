package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** What reaches the screen, byte for byte: whole lines, and the partial line of the domain holding input. */
class ConsoleMuxTest {
    private static final String ERASE = "\r\033[K";

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final ConsoleMux mux = new ConsoleMux(new PrintStream(screen, true, StandardCharsets.UTF_8));

    private String screen() {
        return screen.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
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
}
