package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs at the edges of what dtc 1.6.1 accepts, generated here and compiled by both at test time.
 *
 * <p>dtc's bison parser keeps at most 10000 entries on its stack, so deep or long right-recursive input
 * fails with "memory exhausted": each case below is tried at the largest size dtc accepts and one more.
 * Left-recursive lists (properties, cells, top-level blocks, operator chains) have no such limit. dtc also
 * counts every source file it opens (at most 200), and a NUL or non-ASCII byte outside any token ends its
 * input.
 */
class DtsParseLimitsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> stackLimits() {
        return Stream.of(
                Arguments.of("nested nodes", 3330, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ {" + "a {".repeat(n) + "};".repeat(n) + "};\n"),
                Arguments.of("sibling nodes", 9988, (IntFunction<String>) n -> {
                    StringBuilder sb = new StringBuilder("/dts-v1/;\n/ {");
                    for (int i = 0; i < n; i++) {
                        sb.append('n').append(i).append(" {};");
                    }
                    return sb.append("};\n").toString();
                }),
                Arguments.of("parentheses", 9987, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ { p = <" + "(".repeat(n) + "1" + ")".repeat(n) + ">; };\n"),
                Arguments.of("unary minus", 9987, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ { p = <(" + "-".repeat(n) + "1)>; };\n"),
                Arguments.of("else chain", 2496, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ { p = <(" + "0 ? 0 : ".repeat(n) + "1)>; };\n"),
                Arguments.of("middle chain", 4992, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ { p = <(" + "1 ? ".repeat(n) + "1" + " : 0".repeat(n) + ")>; };\n"),
                Arguments.of("labels on a node", 9987, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ { " + labels(n) + "n { }; };\n"),
                Arguments.of("labels on a property", 9991, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ { " + labels(n) + "p; };\n"),
                Arguments.of("omit-if-no-ref", 9987, (IntFunction<String>) n ->
                        "/dts-v1/;\n/ { " + "/omit-if-no-ref/ ".repeat(n) + "n { }; };\n"),
                Arguments.of("memreserves", 9994, (IntFunction<String>) n ->
                        "/dts-v1/;\n" + "/memreserve/ 0 0;\n".repeat(n) + "/ { };\n"),
                Arguments.of("labels on a memreserve", 9993, (IntFunction<String>) n ->
                        "/dts-v1/;\n" + labels(n) + "/memreserve/ 0 0;\n/ { };\n"),
                Arguments.of("headers", 9997, (IntFunction<String>) n -> "/dts-v1/;\n".repeat(n) + "/ { };\n"));
    }

    private static String labels(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append('l').append(i).append(": ");
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stackLimits")
    void parserStackLimit(String what, int largest, IntFunction<String> source) throws Exception {
        Path ok = write("ok.dts", source.apply(largest));
        assertSameAsDtc(ok, true);
        Path over = write("over.dts", source.apply(largest + 1));
        assertSameAsDtc(over, false);
        assertThatThrownBy(() -> Fdt.fromDts(over)).isInstanceOfSatisfying(DtsException.class,
                e -> assertThat(e.diagnostics().getLast()).endsWith(": memory exhausted"));
    }

    static Stream<Arguments> unlimited() {
        int n = 11_000; // past the 10000-entry stack, where a right-recursive list would fail
        return Stream.of(
                Arguments.of("properties", (IntFunction<String>) k -> {
                    StringBuilder sb = new StringBuilder("/dts-v1/;\n/ {\n");
                    for (int i = 0; i < k; i++) {
                        sb.append("\tp").append(i).append(" = <").append(i).append(">;\n");
                    }
                    return sb.append("};\n").toString();
                }, n),
                Arguments.of("cells", (IntFunction<String>) k -> "/dts-v1/;\n/ { p = <" + "1 ".repeat(k) + ">; };\n", n),
                Arguments.of("value items", (IntFunction<String>) k ->
                        "/dts-v1/;\n/ { p = " + "\"s\", ".repeat(k) + "<1>; };\n", n),
                Arguments.of("labels in a value", (IntFunction<String>) k ->
                        "/dts-v1/;\n/ { p = " + labels(k) + "<1>; };\n", n),
                Arguments.of("operator chain", (IntFunction<String>) k ->
                        "/dts-v1/;\n/ { p = <(1" + " + 1".repeat(k) + ")>; };\n", n),
                Arguments.of("top-level blocks", (IntFunction<String>) k ->
                        "/dts-v1/;\n/ { l: n { }; };\n" + "&l { p = <1>; };\n".repeat(k), n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unlimited")
    void leftRecursiveListsHaveNoLimit(String what, IntFunction<String> source, int n) throws Exception {
        assertSameAsDtc(write("long.dts", source.apply(n)), true);
    }

    @Test
    void fileCountLimit() throws Exception {
        Files.writeString(dir.resolve("e.dtsi"), "/* empty */\n");
        // dtc counts every file it opens, never the ones it closed: 199 includes in a row, but not 200
        assertSameAsDtc(write("ok.dts", "/dts-v1/;\n" + "/include/ \"e.dtsi\"\n".repeat(199) + "/ { };\n"), true);
        Path over = write("over.dts", "/dts-v1/;\n" + "/include/ \"e.dtsi\"\n".repeat(200) + "/ { };\n");
        assertSameAsDtc(over, false);
        assertThatThrownBy(() -> Fdt.fromDts(over)).isInstanceOfSatisfying(DtsException.class,
                e -> assertThat(e.diagnostics().getLast()).endsWith("Includes nested too deeply"));
    }

    @Test
    void nulOrHighByteEndsTheInput() throws Exception {
        // dtc hands such a byte to bison as a negative (or zero) token: the end of the input
        for (int b : new int[] {0x00, 0x80, 0xc3, 0xff}) {
            assertSameAsDtc(write("after.dts", bytes("/dts-v1/;\n/ { p = <1>; };\n", b, " garbage { ; / { x; };\n")), true);
            assertSameAsDtc(write("inside.dts", bytes("/dts-v1/;\n/ { p = <1>; ", b, " };\n")), false);
            assertSameAsDtc(write("in-value.dts", bytes("/dts-v1/;\n/ { p = <1 ", b, ">; };\n")), false);
        }
        // inside strings and comments they are just bytes
        assertSameAsDtc(write("string.dts", bytes("/dts-v1/;\n/ { p = \"a", 0, "b", 0xff, "c\"; /* ", 0, " */ };\n")), true);
    }

    @Test
    void deepTreeBuiltFromOverrides() throws Exception {
        // each block stays under the parser's limit, but overrides stack them into a much deeper tree
        StringBuilder sb = new StringBuilder("/dts-v1/;\n/ { l0: n { }; };\n");
        int levels = 1000;
        for (int i = 0; i < 8; i++) {
            sb.append("&l").append(i).append(" {").append("n {".repeat(levels - 1));
            sb.append("l").append(i + 1).append(": n { p = <&l").append(i).append(">; };");
            sb.append("};".repeat(levels - 1)).append("};\n");
        }
        sb.append("/delete-node/ &l4;\n");
        assertSameAsDtc(write("deep.dts", sb.toString()), true);
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.ISO_8859_1);
        return p;
    }

    private static String bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o : parts) {
            if (o instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(((String) o).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** dtc and we both accept (with the same blob) or both reject, with the same parser messages. */
    static void assertSameAsDtc(Path source, boolean accepted) throws Exception {
        Dtc.Run run = Dtc.compile(source);
        assertThat(run.ok()).as("dtc on %s: %s", source.getFileName(), run.stderr()).isEqualTo(accepted);
        if (accepted) {
            assertThat(Fdt.fromDts(source).toDtb()).isEqualTo(run.stdout());
        } else {
            assertThatThrownBy(() -> Fdt.fromDts(source)).isInstanceOfSatisfying(DtsException.class, e -> {
                var dtcSays = DtsConstructTest.parserMessages(run.stderr());
                if (!dtcSays.isEmpty()) {
                    assertThat(DtsConstructTest.withoutFile(e.diagnostics())).containsExactlyElementsOf(dtcSays);
                }
            });
        }
    }
}
