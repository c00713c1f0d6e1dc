package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.domus.fdt.internal.source.DtsLexer;
import org.junit.jupiter.api.Test;

/**
 * The scanner on its own: which token dtc's rules make of each piece of text, in each start condition,
 * and where it is. (That whole files compile as dtc compiles them is tested elsewhere.)
 */
class DtsLexerTest {
    /** Each token as kind, then its value where it has one. */
    static List<String> tokens(String source) {
        return tokens(source.getBytes(StandardCharsets.ISO_8859_1));
    }

    static List<String> tokens(byte[] source) {
        DtsLexer lex = DtsLexer.of(source, "t.dts");
        List<String> out = new ArrayList<>();
        for (int t = lex.next(); t != DtsLexer.EOF; t = lex.next()) {
            out.add(switch (t) {
                case DtsLexer.PROPNODENAME, DtsLexer.LABEL, DtsLexer.LABEL_REF, DtsLexer.PATH_REF ->
                        DtsLexer.describe(t) + " " + lex.text();
                case DtsLexer.LITERAL, DtsLexer.CHAR_LITERAL, DtsLexer.BYTE -> DtsLexer.describe(t) + " " + Long.toHexString(lex.value());
                case DtsLexer.STRING -> "string " + HexFormat.of().formatHex(lex.bytes());
                default -> DtsLexer.describe(t);
            });
        }
        return out;
    }

    @Test
    void startConditionsDecideBetweenNamesAndNumbers() {
        // after '{' and ';' a name is expected: 1234 is a node name; after '=' it is a number
        assertThat(tokens("/dts-v1/; / { 1234 { p = <1234>; }; };")).containsExactly(
                "/dts-v1/", "';'", "'/'", "'{'", "name 1234", "'{'", "name p", "'='", "'<'", "integer 4d2", "'>'",
                "';'", "'}'", "';'", "'}'", "';'");
        // names may hold , . _ + * # ? @ - and start with a digit; a backslash before a name is dropped
        assertThat(tokens("/dts-v1/; a,b.c_d+e*f#g?h@i-j; \\\\x;".replace("\\\\", "\\"))).containsExactly(
                "/dts-v1/", "';'", "name a,b.c_d+e*f#g?h@i-j", "';'", "name x", "';'");
        // in the default condition these are single characters
        assertThat(tokens("/dts-v1/ ab")).containsExactly("/dts-v1/", "'a'", "'b'");
        // before /dts-v1/ numbers are not recognised either
        assertThat(tokens("12")).containsExactly("'1'", "'2'");
    }

    @Test
    void labelsAreTheLongestMatch() {
        assertThat(tokens("/dts-v1/; lbl: node { a:b; };")).containsExactly(
                "/dts-v1/", "';'", "label lbl", "name node", "'{'", "label a", "name b", "';'", "'}'", "';'");
        // in a byte string "ab:" is a label, "abcd" two bytes
        assertThat(tokens("/dts-v1/; p = [ab: cd abcd: 0102];")).containsExactly(
                "/dts-v1/", "';'", "name p", "'='", "'['", "label ab", "byte cd", "label abcd", "byte 1", "byte 2", "']'", "';'");
        assertThat(tokens("/dts-v1/; p = [abc];")).containsExactly(
                "/dts-v1/", "';'", "name p", "'='", "'['", "byte ab", "'c'", "']'", "';'");
    }

    @Test
    void integerLiterals() {
        assertThat(tokens("/dts-v1/ 0 017 0x1F 10U 10L 10UL 10LL 10ULL 0xffffffffffffffff")).containsExactly(
                "/dts-v1/", "integer 0", "integer f", "integer 1f", "integer a", "integer a", "integer a", "integer a",
                "integer a", "integer ffffffffffffffff");
        // "LU" is not a suffix: the literal stops before the U; "0x" without a digit is 0 then x
        assertThat(tokens("/dts-v1/ 1LU 0x")).containsExactly("/dts-v1/", "integer 1", "'U'", "integer 0", "'x'");
        DtsLexer lex = DtsLexer.of("/dts-v1/ 09 0x10000000000000000".getBytes(StandardCharsets.US_ASCII), "t.dts");
        while (lex.next() != DtsLexer.EOF) {
            // scan everything
        }
        assertThat(lex.errors()).containsExactly(
                "t.dts:1:10: Bad integer literal '09'",
                "t.dts:1:13: Integer literal '0x10000000000000000' out of range");
    }

    @Test
    void characterLiterals() {
        assertThat(tokens("/dts-v1/ 'a' '\\n' '\\x41' '\\012' '\\'' '\\x-1'")).containsExactly(
                "/dts-v1/", "character literal 61", "character literal a", "character literal 41",
                "character literal a", "character literal 27", "character literal ff");
        // the longest match runs on through a quote that follows a backslash
        DtsLexer lex = DtsLexer.of("/dts-v1/ <'\\\\' 'x'>".getBytes(StandardCharsets.US_ASCII), "t.dts");
        List<Integer> kinds = new ArrayList<>();
        for (int t = lex.next(); t != DtsLexer.EOF; t = lex.next()) {
            kinds.add(t);
        }
        assertThat(kinds).containsExactly(DtsLexer.V1, (int) '<', DtsLexer.CHAR_LITERAL, (int) 'x', (int) '\'', (int) '>');
        assertThat(lex.errors()).containsExactly("t.dts:1:11: Character literal has 3 characters instead of 1");
    }

    @Test
    void strings() {
        assertThat(tokens("\"a\\tb\\x41\\101\\0\\q\"")).containsExactly("string 610962414100" + "7100");
        // a raw newline may be inside, a backslash before a newline may not
        assertThat(tokens("\"a\nb\"")).containsExactly("string 610a6200");
        assertThat(tokens("\"a\\\nb\"")).startsWith("'\"'");
    }

    @Test
    void referencesAndOperators() {
        assertThat(tokens("/dts-v1/ &lbl &{/a/b@1,2} &{x} && || << >> <= >= == != & |")).containsExactly(
                "/dts-v1/", "label reference lbl", "path reference /a/b@1,2", "'&'", "'{'", "name x", "'}'",
                "'&&'", "'||'", "'<<'", "'>>'", "'<='", "'>='", "'=='", "'!='", "'&'", "'|'");
    }

    @Test
    void keywordsAndComments() {
        assertThat(tokens("/dts-v1/ /plugin/ /memreserve/ /bits/ /*c*//**/ /incbin/ // line\n/delete-property/ x /delete-node/ y /omit-if-no-ref/ z"))
                .containsExactly("/dts-v1/", "/plugin/", "/memreserve/", "/bits/", "/incbin/", "/delete-property/", "name x",
                        "/delete-node/", "name y", "/omit-if-no-ref/", "name z");
        // /incbin/ is not a keyword where a name is expected
        assertThat(tokens("; /incbin/")).containsExactly("';'", "'/'", "name incbin", "'/'");
        // an unterminated comment is a '/' and a '*'; a // comment needs its newline
        assertThat(tokens("/* open")).startsWith("'/'", "'*'");
        assertThat(tokens("// no newline")).startsWith("'/'", "'/'");
    }

    @Test
    void positionsAreOneBasedWithExclusiveEnd() {
        DtsLexer lex = DtsLexer.of("/dts-v1/;\n\tprop\n".getBytes(StandardCharsets.US_ASCII), "t.dts");
        lex.next();
        assertThat(List.of(lex.firstLine(), lex.firstColumn(), lex.lastLine(), lex.lastColumn())).containsExactly(1, 1, 1, 9);
        lex.next();
        lex.next();
        assertThat(lex.text()).isEqualTo("prop");
        assertThat(lex.pos().toString()).isEqualTo("t.dts:2:2");
        assertThat(List.of(lex.lastLine(), lex.lastColumn())).containsExactly(2, 6);
    }

    @Test
    void lineMarkersRenameTheFileAndRenumberLines() {
        DtsLexer lex = DtsLexer.of("# 10 \"board.dtsi\" 1 3\nx\n#line 20 \"other.dts\"\ny\nz # 5 \"no\"".getBytes(StandardCharsets.US_ASCII), "t.dts");
        lex.next();
        assertThat(lex.pos().toString()).isEqualTo("board.dtsi:10:1");
        lex.next();
        assertThat(lex.pos().toString()).isEqualTo("other.dts:20:1");
        // a marker must start its line
        lex.next();
        lex.next();
        assertThat(lex.token()).isEqualTo('#');
        assertThat(lex.pos().toString()).isEqualTo("other.dts:21:3");
    }

    @Test
    void nulInLineMarkerIsAnErrorAndTruncatesTheName() {
        DtsLexer lex = DtsLexer.of("# 3 \"a\\0b\"\nx".getBytes(StandardCharsets.US_ASCII), "t.dts");
        lex.next();
        assertThat(lex.errors()).containsExactly("t.dts:1:1: nul in line number directive");
        assertThat(lex.pos().toString()).isEqualTo("a:3:1");
    }

    @Test
    void nulAndNonAsciiBytesOutsideTokensEndTheInput() {
        assertThat(tokens(new byte[] {'/', 'd', 't', 's', '-', 'v', '1', '/', 0, ';'})).containsExactly("/dts-v1/");
        assertThat(tokens(new byte[] {';', (byte) 0xc3, (byte) 0xa9, ';'})).containsExactly("';'");
        // inside strings they are bytes like any other
        assertThat(tokens(new byte[] {'"', 0, (byte) 0xff, '"'})).containsExactly("string 00ff00");
    }
}
