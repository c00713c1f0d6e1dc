package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code domus dt …} end to end, in process: outputs against the reference dtc, errors and exit codes. */
class DtCommandTest {
    private static final Path EXAMPLE = Path.of(System.getProperty("domus.root", "..")).resolve("examples/dom0less.dts");

    record Result(int exit, String out, String err) {
    }

    static Result domus(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The reference dtc's stdout; the test command installs dtc, so its absence fails the test. */
    static byte[] dtc(String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of("dtc", "-q"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as("exit code of %s", cmd).isZero();
        return out;
    }

    @Test
    void compileIsByteIdenticalToDtc(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("x.dtb");
        Result r = domus("dt", "compile", EXAMPLE.toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(dtc("-I", "dts", "-O", "dtb", EXAMPLE.toString()));
    }

    @Test
    void decompileIsTextIdenticalToDtc(@TempDir Path tmp) throws Exception {
        Path dtb = tmp.resolve("x.dtb");
        Files.write(dtb, dtc("-I", "dts", "-O", "dtb", EXAMPLE.toString()));
        Path out = tmp.resolve("x.dts");
        Result r = domus("dt", "decompile", dtb.toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(new String(dtc("-I", "dtb", "-O", "dts", dtb.toString()), StandardCharsets.UTF_8));
    }

    @Test
    void getPrintsOnePropertyOrNode() {
        Result p = domus("dt", "get", EXAMPLE.toString(), "/chosen/domU1/module@2000000", "bootargs");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).isEqualTo("\"console=ttyAMA0\"\n");

        Result m = domus("dt", "get", EXAMPLE.toString(), "/chosen/domU1", "memory");
        assertThat(m.out()).isEqualTo("<0x00 0x20000>\n");

        Result n = domus("dt", "get", EXAMPLE.toString(), "/chosen/domU1");
        assertThat(n.exit()).isZero();
        assertThat(n.out()).startsWith("domU1 {\n").contains("\tcompatible = \"xen,domain\";\n", "\tmodule@3000000 {\n").endsWith("};\n");
    }

    @Test
    void missingNodeOrPropertyIsAnInputError() {
        Result n = domus("dt", "get", EXAMPLE.toString(), "/chosen/domU9");
        assertThat(n.exit()).isEqualTo(1);
        assertThat(n.err()).contains("/chosen/domU9: no such node");
        Result p = domus("dt", "get", EXAMPLE.toString(), "/chosen/domU1", "colour");
        assertThat(p.exit()).isEqualTo(1);
        assertThat(p.err()).contains("no property 'colour'");
    }

    @Test
    void syntaxErrorIsOneLineWithPositionAndNoStackTrace(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.dts");
        Files.writeString(bad, "/dts-v1/;\n/ {\n\tmodel = \"x\"\n};\n");
        Result r = domus("dt", "compile", bad.toString(), "-o", tmp.resolve("o.dtb").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).matches("(?s)[^\\n]*bad\\.dts:4:1: [^\\n]+\\n").doesNotContain("Exception", "\tat ");
        assertThat(tmp.resolve("o.dtb")).doesNotExist();
    }

    @Test
    void corruptBlobNamesTheByteOffset(@TempDir Path tmp) throws Exception {
        byte[] dtb = dtc("-I", "dts", "-O", "dtb", EXAMPLE.toString());
        dtb[8] = 0x7f; // off_dt_struct far outside the blob
        Path f = tmp.resolve("bad.dtb");
        Files.write(f, dtb);
        Result r = domus("dt", "decompile", f.toString(), "-o", tmp.resolve("o.dts").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("at byte offset 0x").doesNotContain("\tat ");
    }

    @Test
    void warningsGoToStderrUnlessQuietAndSymbolsMatchDtc(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("w.dts");
        Files.writeString(src, "/dts-v1/;\n/ {\n\tlbl: node@1 {\n\t\tx = <1>;\n\t};\n\tother { p = <&lbl>; };\n};\n");
        Path out = tmp.resolve("w.dtb");
        Result loud = domus("dt", "compile", src.toString(), "-o", out.toString(), "-@");
        assertThat(loud.exit()).isZero();
        assertThat(loud.err()).contains("w.dts:3:").contains("Warning (unit_address_vs_reg): /node@1:");
        assertThat(Files.readAllBytes(out)).isEqualTo(dtc("-@", "-I", "dts", "-O", "dtb", src.toString()));
        assertThat(domus("dt", "compile", "-q", src.toString(), "-o", out.toString()).err()).isEmpty();
    }

    @Test
    void decompileRefusesABlobThatFailsDtcsChecks(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("dup.dts");
        Files.writeString(src, "/dts-v1/;\n/ {\n\tnode { };\n\tnode { };\n};\n");
        Path dtb = tmp.resolve("dup.dtb");
        Files.write(dtb, dtc("-f", "-I", "dts", "-O", "dtb", src.toString()));
        Result r = domus("dt", "decompile", dtb.toString(), "-o", tmp.resolve("o.dts").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(dtb + ": ERROR (duplicate_node_names): /node: Duplicate node name\n");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(domus("dt", "compile").exit()).isEqualTo(2);
        assertThat(domus("dt", "frobnicate").exit()).isEqualTo(2);
        assertThat(domus("--no-such-option").exit()).isEqualTo(2);
    }

    @Test
    void missingFileIsAnInputError(@TempDir Path tmp) {
        Result r = domus("dt", "decompile", tmp.resolve("nope.dtb").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nope.dtb").contains("no such file");
    }

    @Test
    void everyCommandHasHelpAndTheToolHasAVersion() {
        for (String[] cmd : new String[][] {{"--help"}, {"dt", "--help"}, {"dt", "compile", "--help"},
                {"dt", "decompile", "--help"}, {"dt", "get", "--help"}}) {
            Result r = domus(cmd);
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("Usage: domus");
        }
        assertThat(domus("--version").out()).startsWith("domus ");
    }
}
