package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.domus.fdt.internal.source.TreeSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sources against the reference dtc: both must accept (with the same blob) or both reject, and
 * where dtc's parser reports errors with positions, ours are at the same places with the same words.
 * Random bytes must only ever give a tree or a {@link DtsException}, quickly.
 */
class DtsParseFuzzTest {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("dts-fuzz");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Trees with every construct, a few of them mutated; many are rejected, by the parser or the checks. */
    @net.jqwik.api.Property(tries = 400)
    void structuredSourcesLikeDtc(@ForAll long seed) throws Exception {
        Statistics.collect(sameAsDtc(new Generator(seed).tree()));
    }

    /** Short runs of tokens and odd characters: mostly syntax and lexical errors, whose positions must match. */
    @net.jqwik.api.Property(tries = 400)
    void tokenSoupLikeDtc(@ForAll long seed) throws Exception {
        Statistics.collect(sameAsDtc(new Generator(seed).soup()));
    }

    @net.jqwik.api.Property(tries = 3000)
    void anyBytesGiveATreeOrADtsException(@ForAll @Size(max = 400) byte[] source) {
        long t0 = System.nanoTime();
        try {
            assertThat(TreeSource.parse(source, "fuzz.dts", List.of()).root).isNotNull();
            Statistics.collect("parsed");
        } catch (DtsException e) {
            assertThat(e.diagnostics()).isNotEmpty().allMatch(d -> DtsParseCorpusTest.DIAGNOSTIC.matcher(d).matches());
            Statistics.collect("rejected");
        }
        // a hang guard, not a speed target: 400 bytes either parse or fail long before this
        assertThat(System.nanoTime() - t0).isLessThan(10_000_000_000L);
    }

    @net.jqwik.api.Property(tries = 3000)
    void anyTokenSoupGivesATreeOrADtsException(@ForAll long seed) {
        byte[] source = new Generator(seed).soup().getBytes(StandardCharsets.ISO_8859_1);
        try {
            Fdt.fromDts(new String(source, StandardCharsets.ISO_8859_1), "soup.dts");
            Statistics.collect("compiled");
        } catch (FdtException e) {
            assertThat(e).isInstanceOf(DtsException.class);
            Statistics.collect("rejected");
        }
    }

    private static String sameAsDtc(String text) throws Exception {
        Path f = Files.createTempFile(dir, "f", ".dts");
        Files.writeString(f, text, StandardCharsets.ISO_8859_1);
        Dtc.Run run = Dtc.compile(f);
        byte[] ours = null;
        DtsException error = null;
        try {
            ours = Fdt.fromDts(f).toDtb();
        } catch (DtsException e) {
            error = e;
        }
        if (run.ok() && ours == null && rootless(run.stdout())) {
            // a source that deletes its root (/delete-node/ &{/}, or /omit-if-no-ref/ on a label of it): dtc writes
            // a blob without a root node, which no reader takes, dtc included; Domus refuses the source instead
            assertThat(error.diagnostics()).as(text).anyMatch(d -> d.endsWith("ERROR: the root node is deleted, so there is no tree to write"));
            return "root deleted";
        }
        assertThat(ours != null).as("accepted like dtc (%s):\n%s", run.stderr(), text).isEqualTo(run.ok());
        if (run.ok()) {
            assertThat(ours).as(text).isEqualTo(run.stdout());
            return "compiled";
        }
        List<String> dtcSays = DtsConstructTest.parserMessages(run.stderr());
        if (!dtcSays.isEmpty() && !run.stderr().contains("FATAL ERROR: \\x")) {
            assertThat(DtsConstructTest.withoutFile(error.diagnostics())).as(text).containsExactlyElementsOf(dtcSays);
            return "rejected by the parser";
        }
        return "rejected";
    }

    /** Whether a blob's structure block starts with something other than FDT_BEGIN_NODE: a blob with no root. */
    private static boolean rootless(byte[] dtb) {
        var b = java.nio.ByteBuffer.wrap(dtb);
        int struct = b.getInt(8);
        return dtb.length < struct + 4 || b.getInt(struct) != 1;
    }

    /** Random device-tree source from a seed. */
    static final class Generator {
        static final String[] LABELS = {"a", "b", "c", "lbl", "n1", "_x", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"};
        static final String[] NAMES = {"node", "n@1", "x", "a,b", "cpus", "cpu@0", "1234", "foo-bar", "q_r", "p.q", "z+y", "n", "m"};
        static final String[] PROPS = {"reg", "compatible", "p", "q", "#address-cells", "status", "x-y", "p2", "p3", "p4"};
        static final String[] OPS = {"+", "-", "*", "/", "%", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&", "^", "|", "&&", "||"};
        static final String[] STRINGS = {"abc", "a\\tb", "\\x41\\101", "", "q\\\"", "\\0", "multi\nline", "\\x 1\\x-1", "\u00e9"};
        static final String[] SOUP = {"/dts-v1/;", "/plugin/;", "/ {", "};", "}", "{", ";", "=", "<", ">", "[", "]", "(", ")",
            ",", "a:", "b:", "&a", "&{/}", "&{/x}", "x", "x@1", "p", "\\p", "#a", "# 1 \"f.dts\"\n", "\n#line 3 \"g\"\n", "\n",
            " ", "/* c */", "// c\n", "\"s\"", "\"\\x41\"", "\"\\0\"", "'a'", "'\\''", "'\\\\'", "''", "'ab'", "0", "1", "0x10",
            "012", "08", "1U", "1ULL", "1LL", "1u", "0x", "ab", "cd", "1 2", "/bits/", "8", "16", "64", "7", "/memreserve/",
            "/delete-node/", "/delete-property/", "/omit-if-no-ref/", "/incbin/", "/include/", "-", "+", "*", "/", "%", "~",
            "!", "?", ":", "&&", "||", "<<", ">>", "<=", ">=", "==", "!=", "&", "|", "^", "\0", "\u00ff", "\t", "'", "\"", "/*",
            "@", "\\", ".", "_", "a_b:"};
        static final String[] INSERTS = {";", "{", "}", "<", ">", "[", "]", "\"", "'", "/", "*", "&", ":", ",", "(", ")", "=",
            "#", "\\", "\0", "\u00e9", "/dts-v1/;", "/plugin/;", "0x", "1", "a:", " ", "\n", "/* ", "//", "-", "@"};

        final Random r;
        final StringBuilder sb = new StringBuilder();
        int depth;

        Generator(long seed) {
            r = new Random(seed);
        }

        String pick(String[] a) {
            return a[r.nextInt(a.length)];
        }

        void blank() {
            switch (r.nextInt(10)) {
                case 0 -> sb.append("/* c */");
                case 1 -> sb.append('\n');
                case 2 -> sb.append("// x\n");
                default -> sb.append(' ');
            }
        }

        void labels() {
            while (r.nextInt(16) == 0) {
                sb.append(pick(LABELS)).append(": ");
            }
        }

        String number() {
            return switch (r.nextInt(14)) {
                case 0 -> "0x" + Integer.toHexString(r.nextInt(1 << 20));
                case 1 -> Integer.toString(r.nextInt(100));
                case 2 -> "0" + Integer.toOctalString(r.nextInt(100));
                case 3 -> "'" + (char) ('a' + r.nextInt(26)) + "'";
                case 4 -> "'\\n'";
                case 5 -> "(" + expression(3) + ")";
                case 6 -> "0x" + Integer.toHexString(r.nextInt(200)) + (r.nextBoolean() ? "U" : "ULL");
                case 7 -> "'\\x4" + r.nextInt(10) + "'";
                default -> Integer.toString(r.nextInt(5));
            };
        }

        String expression(int d) {
            if (d == 0 || r.nextInt(3) == 0) {
                return number();
            }
            return switch (r.nextInt(5)) {
                case 0 -> "-" + expression(d - 1);
                case 1 -> "~" + expression(d - 1);
                case 2 -> expression(d - 1) + " ? " + expression(d - 1) + " : " + expression(d - 1);
                case 3 -> "!" + expression(d - 1);
                default -> expression(d - 1) + " " + pick(OPS) + " " + expression(d - 1);
            };
        }

        void ref() {
            if (r.nextInt(3) == 0) {
                sb.append("&{/").append(r.nextBoolean() ? pick(NAMES) : "").append('}');
            } else {
                sb.append('&').append(pick(LABELS));
            }
        }

        void value() {
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                    blank();
                }
                labels();
                switch (r.nextInt(6)) {
                    case 0 -> sb.append('"').append(pick(STRINGS)).append('"');
                    case 1, 2 -> {
                        int bits = 32;
                        if (r.nextInt(3) == 0) {
                            bits = new int[] {8, 16, 32, 64}[r.nextInt(4)];
                            sb.append("/bits/ ").append(bits).append(' ');
                        }
                        sb.append('<');
                        int k = r.nextInt(4);
                        for (int j = 0; j < k; j++) {
                            if (j > 0) {
                                sb.append(' ');
                            }
                            if (r.nextInt(5) == 0) {
                                labels();
                            }
                            if (bits == 32 && r.nextInt(4) == 0) {
                                ref();
                            } else {
                                sb.append(bits < 32 && r.nextInt(4) != 0 ? Integer.toString(r.nextInt(100)) : number());
                            }
                        }
                        sb.append('>');
                    }
                    case 3 -> {
                        sb.append('[');
                        int k = r.nextInt(4);
                        for (int j = 0; j < k; j++) {
                            if (r.nextInt(4) == 0) {
                                sb.append(pick(LABELS)).append(": ");
                            }
                            sb.append(String.format("%02x", r.nextInt(256)));
                            if (r.nextBoolean()) {
                                sb.append(' ');
                            }
                        }
                        sb.append(']');
                    }
                    case 4 -> ref();
                    default -> sb.append("\"s\"");
                }
                if (r.nextInt(6) == 0) {
                    sb.append(' ').append(pick(LABELS)).append(':');
                }
            }
        }

        void property() {
            labels();
            if (r.nextInt(8) == 0) {
                sb.append("/delete-property/ ").append(pick(PROPS)).append(';');
                return;
            }
            sb.append(pick(PROPS));
            if (r.nextInt(10) < 7) {
                sb.append(r.nextInt(30));
            }
            if (r.nextInt(4) == 0) {
                sb.append(';');
                return;
            }
            sb.append(" = ");
            value();
            sb.append(';');
        }

        void body() {
            int np = r.nextInt(4);
            for (int i = 0; i < np; i++) {
                blank();
                property();
            }
            if (depth < 4) {
                int nc = r.nextInt(4);
                for (int i = 0; i < nc; i++) {
                    blank();
                    if (r.nextInt(8) == 0) {
                        labels();
                        sb.append("/delete-node/ ").append(pick(NAMES)).append(';');
                        continue;
                    }
                    if (r.nextInt(8) == 0) {
                        sb.append("/omit-if-no-ref/ ");
                    }
                    labels();
                    if (r.nextInt(3) == 0) {
                        sb.append(pick(LABELS)).append(": ");
                    }
                    sb.append(pick(NAMES));
                    if (r.nextInt(10) < 7) {
                        sb.append(r.nextInt(30));
                    }
                    sb.append(" {");
                    depth++;
                    body();
                    depth--;
                    sb.append("};");
                }
            }
        }

        /** A reference that is not the root: dtc's handling of a deleted root belongs to the flattening. */
        void nonRootRef() {
            ref();
            if (sb.charAt(sb.length() - 2) == '/' && sb.charAt(sb.length() - 1) == '}') {
                sb.insert(sb.length() - 1, 'x');
            }
        }

        String tree() {
            sb.setLength(0);
            sb.append("/dts-v1/;\n");
            if (r.nextInt(5) == 0) {
                sb.append("/plugin/;\n");
            }
            while (r.nextInt(4) == 0) {
                labels();
                sb.append("/memreserve/ ").append(number()).append(' ').append(number()).append(";\n");
            }
            sb.append("/ {");
            body();
            sb.append("};\n");
            int k = r.nextInt(5);
            for (int i = 0; i < k; i++) {
                switch (r.nextInt(6)) {
                    case 0 -> {
                        sb.append("/ {");
                        body();
                        sb.append("};\n");
                    }
                    case 1 -> {
                        if (r.nextBoolean()) {
                            sb.append(pick(LABELS)).append(": ");
                        }
                        ref();
                        sb.append(" {");
                        body();
                        sb.append("};\n");
                    }
                    case 2 -> {
                        sb.append("/delete-node/ ");
                        nonRootRef();
                        sb.append(";\n");
                    }
                    case 3 -> {
                        sb.append("/omit-if-no-ref/ ");
                        nonRootRef();
                        sb.append(";\n");
                    }
                    default -> {
                        ref();
                        sb.append(" {");
                        body();
                        sb.append("};\n");
                    }
                }
            }
            String s = sb.toString();
            for (int i = 0, m = r.nextInt(4); i < m && r.nextInt(3) == 0; i++) {
                s = mutate(s);
            }
            return s;
        }

        String mutate(String s) {
            if (s.isEmpty()) {
                return s;
            }
            int p = r.nextInt(s.length());
            return switch (r.nextInt(3)) {
                case 0 -> s.substring(0, p) + s.substring(Math.min(s.length(), p + 1 + r.nextInt(3)));
                case 1 -> s.substring(0, p) + pick(INSERTS) + s.substring(p);
                default -> {
                    int q = r.nextInt(s.length());
                    int a = Math.min(p, q);
                    int b = Math.min(Math.max(p, q), a + 20);
                    yield s.substring(0, b) + s.substring(a, b) + s.substring(b);
                }
            };
        }

        String soup() {
            sb.setLength(0);
            if (r.nextInt(4) != 0) {
                sb.append("/dts-v1/;\n");
            }
            int mode = r.nextInt(3);
            if (mode == 0) {
                sb.append("/ { p = ");
            } else if (mode == 1) {
                sb.append("/ { ");
            }
            for (int i = 0, n = 1 + r.nextInt(12); i < n; i++) {
                sb.append(pick(SOUP));
                if (r.nextBoolean()) {
                    sb.append(' ');
                }
            }
            if (mode == 0) {
                sb.append(r.nextBoolean() ? "; };" : ">; };");
            } else if (mode == 1) {
                sb.append(" };");
            }
            return sb.toString();
        }
    }
}
