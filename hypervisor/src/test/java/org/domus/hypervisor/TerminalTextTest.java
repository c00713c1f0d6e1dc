package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Guest text made safe for a terminal: what is escaped, what is kept, what a line editor's moves become. */
class TerminalTextTest {
    private static final String ESC = "\033";

    @Example
    void controlSequencesAreShownEscaped() {
        String attack = ESC + "]0;pwned\007 " + ESC + "[2J " + ESC + "P$qm" + ESC + "\\ " + ESC + "[21t \u009b31m \u0090x \u007f";
        assertThat(TerminalText.line(attack)).isEqualTo("\\e]0;pwned\\a \\e[2J \\eP$qm\\e\\ \\e[21t \\u009b31m \\u0090x \\x7f");
        assertThat(TerminalText.escape(attack)).isEqualTo(TerminalText.line(attack));
    }

    @Example
    void aCarriageReturnIsShownSoTheTextBeforeItStays() {
        assertThat(TerminalText.line("50%\r100%")).isEqualTo("50%\\r100%");
        assertThat(TerminalText.escape("a\r\nb\tc\0")).isEqualTo("a\\r\\nb\\tc\\x00");
    }

    @Example
    void consoleLinesKeepTabsAndDropColoursAndTheCursorQuery() {
        assertThat(TerminalText.line("[  " + ESC + "[0;32mOK" + ESC + "[0m  ]\tdone / # " + ESC + "[6n"))
                .isEqualTo("[  OK  ]\tdone / # ");
        // a name shows everything: two names that differ only by a colour must not look alike
        assertThat(TerminalText.escape(ESC + "[31mweb\t")).isEqualTo("\\e[31mweb\\t");
    }

    @Example
    void printableTextUtf8IncludedIsTheSameObjectBack() {
        String text = "café ✓ 😀 日本語 DOMUS-READY one cpus=1 mem=123kB";
        assertThat(TerminalText.line(text)).isSameAs(text);
        assertThat(TerminalText.escape(text)).isSameAs(text);
        assertThat(TerminalText.edit(text)).isEqualTo(new TerminalText.Edited(text, 0));
    }

    @Example
    void busyboxLineEditingIsAppliedToTheHoldersLine() {
        // backspace at the end: "\b" then erase to the end of the screen
        assertThat(TerminalText.edit("~ # lx\b" + ESC + "[J")).isEqualTo(new TerminalText.Edited("~ # l", 0));
        assertThat(TerminalText.edit("~ # lx\b" + ESC + "[Js")).isEqualTo(new TerminalText.Edited("~ # ls", 0));
        // a character put in the middle: the rest of the line printed again, the cursor taken back
        assertThat(TerminalText.edit("~ # ac\bbc\b")).isEqualTo(new TerminalText.Edited("~ # abc", 1));
        assertThat(TerminalText.edit("~ # abcdef" + ESC + "[4D")).isEqualTo(new TerminalText.Edited("~ # abcdef", 4));
        assertThat(TerminalText.edit("~ # ab" + ESC + "[2D" + ESC + "[C")).isEqualTo(new TerminalText.Edited("~ # ab", 1));
        // history: back to the line's start, prompt and the recalled command, erase the rest
        assertThat(TerminalText.edit("~ # a long one\r~ # ls" + ESC + "[J")).isEqualTo(new TerminalText.Edited("~ # ls", 0));
        // the cursor query stays where busybox asked it (its answer goes to the guest); a bell takes no room
        assertThat(TerminalText.edit("/ # " + ESC + "[6nl\007s")).isEqualTo(new TerminalText.Edited("/ # " + ESC + "[6nls", 0));
        // a progress counter ends as a terminal shows it
        assertThat(TerminalText.edit("50%\r100%")).isEqualTo(new TerminalText.Edited("100%", 0));
        assertThat(TerminalText.edit("50%\r")).isEqualTo(new TerminalText.Edited("50%", 3));
    }

    @Example
    void whatALineEditorDoesNotDoIsShownEscapedOnTheHoldersLineToo() {
        assertThat(TerminalText.edit("$ " + ESC + "]0;x\007" + ESC + "[2J" + ESC + "[21t"))
                .isEqualTo(new TerminalText.Edited("$ \\e]0;x\\e[2J\\e[21t", 0));
        assertThat(TerminalText.edit("$ " + ESC + "[99999999999C")).isEqualTo(new TerminalText.Edited("$ " + " ".repeat(4094), 0));
    }

    @Property
    void noControlReachesTheTerminal(@ForAll("consoleText") String s) {
        assertThat(TerminalText.escape(s).codePoints()).noneMatch(TerminalText::isControl);
        assertThat(TerminalText.line(s).codePoints()).noneMatch(c -> TerminalText.isControl(c) && c != '\t');
        TerminalText.Edited edited = TerminalText.edit(s);
        assertThat(edited.text().replace(TerminalText.CURSOR_QUERY, "").codePoints())
                .noneMatch(c -> TerminalText.isControl(c) && c != '\t');
        assertThat(edited.back()).isBetween(0, edited.text().length());
    }

    @Property
    void printableTextPassesUnchanged(@ForAll("printable") String s) {
        assertThat(TerminalText.escape(s)).isEqualTo(s);
        assertThat(TerminalText.line(s)).isEqualTo(s);
        assertThat(TerminalText.edit(s).text()).isEqualTo(s);
    }

    @Property
    void aLineLosesNoPrintableText(@ForAll("consoleText") String s) {
        // what is printable in the line is all there, in order, whatever controls were around it
        String shown = TerminalText.escape(s);
        int at = 0;
        for (int cp : s.codePoints().filter(c -> !TerminalText.isControl(c)).toArray()) {
            at = shown.indexOf(Character.toString(cp), at);
            assertThat(at).as("%s in %s", Character.toString(cp), shown).isNotNegative();
            at += Character.charCount(cp);
        }
    }

    /** Text heavy in controls, escape sequences and their pieces, with some UTF-8. */
    @Provide
    Arbitrary<String> consoleText() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of(ESC, ESC + "[", ESC + "]", ESC + "P", "\007", "\b", "\r", "\t", "\u009b", "\u009d", "\u0085",
                        "\u007f", ESC + "[6n", ESC + "[0;31m", ESC + "[J", ESC + "[K", ESC + "[3D", ESC + "[2C", "\\", ";", "m", "[",
                        "é", "😀", "日"),
                Arbitraries.chars().range('\0', '\u00ff').map(String::valueOf),
                Arbitraries.strings().alpha().numeric().ofMaxLength(6));
        return pieces.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> printable() {
        return Arbitraries.strings().all().ofMaxLength(60)
                .filter(s -> s.codePoints().noneMatch(TerminalText::isControl) && !s.codePoints().anyMatch(c -> c >= 0xd800 && c <= 0xdfff));
    }
}
