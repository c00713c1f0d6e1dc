package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Hush as boot scripts use it: what each line expands to, seen through echo. */
class ScriptTest {
    private final List<String> printed = new ArrayList<>();

    private List<String> echo(String script) throws ReplayException {
        Replay.Listener listener = new RecordingListener(printed);
        try {
            Replay.run("t.cmd", script, new Replay.Options(null, null, 1 << 20, listener));
        } catch (ReplayException e) {
            if (!e.getMessage().contains("ended without booting")) {
                throw e;
            }
        }
        return printed;
    }

    @Test
    void variablesQuotesAndEscapes() throws Exception {
        assertThat(echo("""
                setenv a 1; echo $a ${a}x "$a" '$a'
                setenv load_cmd "ext4load mmc 0:1"  # a comment
                echo [$load_cmd] ["$load_cmd"]
                echo \\#address-cells \\& \\+ "a\\"b" a#b
                echo one \\
                  two
                x=local; echo $x ${nothing}end
                setenv a; echo "[$a]"
                """)).containsExactly("1 1x 1 $a", "[ext4load mmc 0:1] [ext4load mmc 0:1]",
                "#address-cells & + a\"b a#b", "one two", "local end", "[]");
    }

    @Test
    void setexprIsHexAsUBootStoresIt() throws Exception {
        assertThat(echo("""
                setenv memaddr 0xE00000
                setenv filesize 9a1200
                setexpr memaddr ${memaddr} \\+ ${filesize}
                setexpr memaddr ${memaddr} \\+ 0x1FFFFF
                setexpr memaddr ${memaddr} \\& 0xFFFFFFFFFFE00000
                setexpr hi ${memaddr} / 0x100000000
                echo $memaddr $hi
                """)).containsExactly("1800000 0");
    }

    @Test
    void conditionsAndChains() throws Exception {
        assertThat(echo("""
                setenv n 3
                if test $n -gt 2; then echo big; else echo small; fi
                if test -z "$missing"
                then
                    echo empty
                elif true; then echo no
                fi
                false || echo or; true && echo and; false && echo never
                setenv cmd "echo from run; echo twice"
                run cmd
                """)).containsExactly("big", "empty", "or", "and", "from run", "twice");
    }

    @Test
    void syntaxErrorsNameTheirLine() {
        assertThatThrownBy(() -> echo("echo a\necho \"open\n")).hasMessage("t.cmd:2: unterminated \" quote");
        assertThatThrownBy(() -> echo("if true; then\necho x\n")).hasMessage("t.cmd:1: 'if' without 'fi' (found the end of the script)");
        assertThatThrownBy(() -> echo("echo a | grep a\n")).hasMessage(
                "t.cmd:1: '|' (a pipe) is not something U-Boot scripts can do; write \\| for the character");
        assertThatThrownBy(() -> echo("fi\n")).hasMessage("t.cmd:1: 'fi' without a matching 'if'");
    }

    @Test
    void commandErrorsNameLineAndCommand() {
        assertThatThrownBy(() -> echo("echo ok\n\nfrobnicate 1 2\n")).hasMessageStartingWith(
                "t.cmd:3: frobnicate 1 2: unknown command 'frobnicate'");
        assertThatThrownBy(() -> echo("setenv inner 'tftpb zz0 f'\nrun inner\n")).hasMessage(
                "t.cmd:2: run inner: tftpb zz0 f: 'zz0' is not a valid address (U-Boot numbers are hex: digits 0-9 and "
                        + "a-f, 0x optional)");
        assertThatThrownBy(() -> echo("setenv loop 'run loop'\nrun loop\n")).hasMessageContaining("nested 64 deep");
        assertThatThrownBy(() -> echo("setexpr x 1 / 0\n")).hasMessage("t.cmd:1: setexpr x 1 / 0: division by zero");
        assertThatThrownBy(() -> echo("load mmc 0:1 0x1000 Image\n")).hasMessageStartingWith(
                "t.cmd:1: load mmc 0:1 0x1000 Image: no --root DIR");
    }
}
