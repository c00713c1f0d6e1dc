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

    /** A tree with a label, a reference, a reservation and a /cpus node: every layout option changes its blob. */
    private static Path board(Path tmp) throws Exception {
        Path src = tmp.resolve("board.dts");
        Files.writeString(src, """
                /dts-v1/;
                /memreserve/ 0x20000000 0x1000;
                /memreserve/ 0x10000000 0x2000;
                / {
                \tmodel = "board"; compatible = "x,board";
                \t#address-cells = <1>; #size-cells = <1>;
                \tcpus { #address-cells = <1>; #size-cells = <0>; cpu@3 { device_type = "cpu"; reg = <3>; }; };
                \tzeta { long = [00 11 22 33 44 55 66 77 88]; };
                \tintc: alpha { interrupt-controller; #interrupt-cells = <1>; };
                \tdev { interrupt-parent = <&intc>; interrupts = <5>; name = "dev"; };
                };
                """);
        return src;
    }

    /** Every layout and build option gives the blob dtc gives with the same option, from source and from a blob. */
    @Test
    void layoutAndBuildOptionsMatchDtc(@TempDir Path tmp) throws Exception {
        Path src = board(tmp);
        Path dtb = tmp.resolve("board.dtb");
        Files.write(dtb, dtc("-I", "dts", "-O", "dtb", src.toString()));
        Path out = tmp.resolve("out.dtb");
        String[][] options = {{"-V", "1"}, {"-V", "2"}, {"-V", "3"}, {"-V", "16"}, {"-p", "1000"}, {"-S", "4096"},
                {"-p", "100", "-a", "64"}, {"-S", "1999", "-a", "16"}, {"-R", "4"}, {"-b", "17"}, {"-s"},
                {"-H", "legacy"}, {"-H", "both"}, {"-A"}, {"-@"}};
        for (String[] o : options) {
            for (Path in : new Path[] {src, dtb}) {
                var args = new java.util.ArrayList<>(java.util.List.of("dt", "compile", "-q", in.toString(), "-o", out.toString()));
                args.addAll(java.util.List.of(o));
                Result r = domus(args.toArray(String[]::new));
                assertThat(r.exit()).as("%s %s: %s", String.join(" ", o), in, r.err()).isZero();
                var ref = new java.util.ArrayList<>(java.util.List.of(o));
                ref.addAll(java.util.List.of("-O", "dtb", in.toString()));
                assertThat(Files.readAllBytes(out)).as("domus dt compile %s %s", String.join(" ", o), in)
                        .isEqualTo(dtc(ref.toArray(String[]::new)));
            }
        }
        // a legacy blob read back and written as version 17 is the tree as dtc has it after its checks
        Path v1 = tmp.resolve("v1.dtb");
        Files.write(v1, dtc("-I", "dts", "-O", "dtb", "-V", "1", src.toString()));
        assertThat(domus("dt", "compile", "-q", v1.toString(), "-o", out.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(dtc("-I", "dtb", "-O", "dtb", v1.toString()));
        assertThat(domus("dt", "compile", src.toString(), "-o", out.toString(), "-V", "5").exit()).isEqualTo(2);
        assertThat(domus("dt", "compile", src.toString(), "-o", out.toString(), "-a", "12").exit()).isEqualTo(2);
        assertThat(domus("dt", "compile", src.toString(), "-o", out.toString(), "-p", "8", "-S", "8").exit()).isEqualTo(2);
    }

    /** -O asm assembles, with the system's assembler, to the very blob dtc -O dtb writes. */
    @Test
    void asmAssemblesToDtcsBlob(@TempDir Path tmp) throws Exception {
        Path src = board(tmp);
        for (String[] o : new String[][] {{}, {"-V", "1"}, {"-p", "64", "-a", "32"}, {"-R", "2"}}) {
            Path s = tmp.resolve("board.s");
            var args = new java.util.ArrayList<>(java.util.List.of("dt", "compile", "-q", "-O", "asm", src.toString(), "-o", s.toString()));
            args.addAll(java.util.List.of(o));
            assertThat(domus(args.toArray(String[]::new)).exit()).isZero();
            Path obj = tmp.resolve("board.o");
            Path bin = tmp.resolve("board.bin");
            run("cc", "-c", "-o", obj.toString(), s.toString());
            run("objcopy", "-O", "binary", "-j", ".text", obj.toString(), bin.toString());
            var ref = new java.util.ArrayList<>(java.util.List.of(o));
            ref.addAll(java.util.List.of("-I", "dts", "-O", "dtb", src.toString()));
            assertThat(Files.readAllBytes(bin)).as("asm %s", String.join(" ", o)).isEqualTo(dtc(ref.toArray(String[]::new)));
            // the source's labels are global symbols, as dtc makes them: the node's start and end
            Process nm = new ProcessBuilder("nm", obj.toString()).redirectErrorStream(true).start();
            String symbols = new String(nm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(nm.waitFor()).isZero();
            assertThat(symbols).contains(" T intc\n").contains(" T intc_end\n").contains(" T dt_blob_start\n");
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }

    /** -f writes what dtc -f writes for a tree with an error, and says so; without it nothing is written. */
    @Test
    void forceWritesATreeWithErrorsAsDtcDoes(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("dup.dts");
        Files.writeString(src, "/dts-v1/;\n/ {\n\tnode { a = <1>; };\n\tnode { b = <2>; };\n};\n");
        Path out = tmp.resolve("dup.dtb");
        Result refused = domus("dt", "compile", src.toString(), "-o", out.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(out).doesNotExist();
        Result forced = domus("dt", "compile", "-f", src.toString(), "-o", out.toString());
        assertThat(forced.exit()).isZero();
        assertThat(forced.err()).contains("ERROR (duplicate_node_names): /node: Duplicate node name")
                .contains("Warning: Input tree has errors, output forced");
        assertThat(Files.readAllBytes(out)).isEqualTo(dtc("-f", "-I", "dts", "-O", "dtb", src.toString()));
        // and a blob with the error: checked again, refused without -f, copied with it
        Path again = tmp.resolve("again.dtb");
        assertThat(domus("dt", "compile", out.toString(), "-o", again.toString()).exit()).isEqualTo(1);
        assertThat(domus("dt", "compile", "-q", "-f", out.toString(), "-o", again.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(dtc("-f", "-I", "dtb", "-O", "dtb", out.toString()));
    }

    /** -W and -E turn checks on and off as dtc's do, prerequisites and order included. */
    @Test
    void warningAndErrorControl(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("cells.dts");
        Files.writeString(src, "/dts-v1/;\n/ {\n\t#address-cells = <1 1>;\n\t#size-cells = <1 1>;\n};\n");
        Path out = tmp.resolve("cells.dtb");
        assertThat(domus("dt", "compile", src.toString(), "-o", out.toString()).err())
                .contains("Warning (address_cells_is_cell)").contains("Warning (size_cells_is_cell)");
        assertThat(domus("dt", "compile", "-Wno-size_cells_is_cell", src.toString(), "-o", out.toString()).err())
                .contains("Warning (address_cells_is_cell)").doesNotContain("size_cells_is_cell");
        Result error = domus("dt", "compile", "-E", "size_cells_is_cell", src.toString(), "-o", tmp.resolve("e.dtb").toString());
        assertThat(error.exit()).isEqualTo(1);
        assertThat(error.err()).contains("ERROR (size_cells_is_cell)");
        assertThat(tmp.resolve("e.dtb")).doesNotExist();
        assertThat(domus("dt", "compile", "-Esize_cells_is_cell", "-Eno_size_cells_is_cell", src.toString(), "-o",
                out.toString()).exit()).isZero();
        Result always = domus("dt", "compile", "-Walways_fail", src.toString(), "-o", out.toString());
        assertThat(always.err()).contains("Warning (always_fail)");
        assertThat(domus("dt", "compile", "-Walways_fail", "-Wno_always_fail", src.toString(), "-o", out.toString()).err())
                .doesNotContain("always_fail");
        Result unknown = domus("dt", "compile", "-Wno_such_check", src.toString(), "-o", out.toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unrecognized check name \"such_check\"");
    }

    /** -I fs reads a /proc/device-tree style folder as dtc does; stdin and -d work as dtc's. */
    @Test
    void folderInputStdinAndDependencies(@TempDir Path tmp) throws Exception {
        Path fs = tmp.resolve("fs");
        Files.createDirectories(fs.resolve("cpus/cpu@0"));
        Files.writeString(fs.resolve("compatible"), "x,board\0");
        Files.write(fs.resolve("cpus/cpu@0/reg"), new byte[] {0, 0, 0, 7});
        Files.write(fs.resolve("cpus/#address-cells"), new byte[] {0, 0, 0, 1});
        Files.write(fs.resolve("cpus/#size-cells"), new byte[] {0, 0, 0, 0});
        Path out = tmp.resolve("fs.dtb");
        Result r = domus("dt", "compile", "-q", "-I", "fs", fs.toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(dtc("-I", "fs", "-O", "dtb", fs.toString()));
        assertThat(domus("dt", "compile", "-I", "fs", tmp.resolve("nope").toString(), "-o", out.toString()).exit()).isEqualTo(1);

        Path inc = tmp.resolve("inc.dtsi");
        Files.writeString(inc, "/ { x = <1>; };\n");
        Path src = tmp.resolve("top.dts");
        Files.writeString(src, "/dts-v1/;\n/include/ \"inc.dtsi\"\n/ { };\n");
        Path dep = tmp.resolve("top.d");
        assertThat(domus("dt", "compile", src.toString(), "-o", out.toString(), "-d", dep.toString()).exit()).isZero();
        assertThat(Files.readString(dep)).isEqualTo(out + ": " + src + " " + inc + "\n");
    }

    /** A blob has no record of which cells were references: dtc's phandle checks trust its cells, so do we. */
    @Test
    void blobCellsAreNotAskedToBeReferences(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("gpio.dts");
        Files.writeString(src, "/dts-v1/;\n/ {\n\tgpio: gpio-controller { #gpio-cells = <3>; };\n"
                + "\tnode { foo-gpios = <&gpio 1 2 3>; bar-gpios = <1 1 2 3>; };\n};\n");
        Path dtb = tmp.resolve("gpio.dtb");
        Result fromSource = domus("dt", "compile", src.toString(), "-o", dtb.toString());
        assertThat(fromSource.err()).contains("/node:bar-gpios: cell 0 is not a phandle reference")
                .doesNotContain("foo-gpios");
        Result fromBlob = domus("dt", "compile", dtb.toString(), "-o", tmp.resolve("again.dtb").toString());
        assertThat(fromBlob.exit()).isZero();
        assertThat(fromBlob.err()).isEqualTo(new String(dtcErr("-I", "dtb", "-O", "dtb", "-o", "/dev/null", dtb.toString()),
                StandardCharsets.UTF_8));
    }

    private static byte[] dtcErr(String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of("dtc"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return err;
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
