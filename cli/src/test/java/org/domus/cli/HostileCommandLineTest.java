package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line under attack: files that never end or block, and words that are no command. Each gets one line
 * naming what is wrong, the right exit status, at once.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileCommandLineTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    static Result domus(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cl = Main.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void planOfADeviceIsRefusedByPathBeforeAnyRead() {
        Result r = domus("plan", "/dev/zero");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("domus: /dev/zero: not a regular file (a FIFO, socket or device): refused, its "
                + "reading might never end\n");
    }

    @Test
    void planOfAFifoDoesNotBlock() throws Exception {
        Path fifo = dir.resolve("system.dts");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        for (String[] args : new String[][] {{"plan", fifo.toString()}, {"dt", "decompile", fifo.toString()},
            {"dt", "compile", fifo.toString(), "-o", dir.resolve("x.dtb").toString()}, {"uboot", fifo.toString(), "--plan-only"}}) {
            Result r = domus(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).contains(fifo + ": not a regular file (a FIFO, socket or device)")
                    .hasLineCount(1);
        }
    }

    @Test
    void planOfADirectoryNamesIt() {
        Result r = domus("plan", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("domus: " + dir + ": is a directory, not a file\n");
    }

    @Test
    void aSourceLargerThanAnyTreeIsRefusedBeforeItIsRead() throws Exception {
        Path big = dir.resolve("big.dts");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(5L << 30); // sparse
        }
        Result r = domus("plan", big.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("domus: %s: 5368709120 bytes is more than a device-tree source can be (64 MiB)\n"
                .formatted(big));
        Result c = domus("dt", "compile", big.toString(), "-o", dir.resolve("x.dtb").toString());
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err()).isEqualTo("%s: 5368709120 bytes is more than a device-tree source can be (64 MiB)\n".formatted(big));
    }

    @Test
    void aBlobIsReadOnlyUpToItsOwnTotalsize() throws Exception {
        Path dts = dir.resolve("t.dts");
        Files.writeString(dts, "/dts-v1/;\n/ { model = \"m\"; };\n");
        Path dtb = dir.resolve("t.dtb");
        assertThat(new ProcessBuilder("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb.toString(), dts.toString())
                .start().waitFor()).isZero();
        long size = Files.size(dtb);
        try (RandomAccessFile f = new RandomAccessFile(dtb.toFile(), "rw")) {
            f.setLength(5L << 30); // a blob with 5 GiB of sparse trailing bytes, which dtc ignores too
        }
        Result r = domus("dt", "get", dtb.toString(), "/", "model");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("\"m\"\n");
        assertThat(size).isLessThan(1024);
    }

    @Test
    void anIncludeThatIsAFifoIsRefusedWhereItIsNamed() throws Exception {
        Path fifo = dir.resolve("part.dtsi");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path dts = dir.resolve("t.dts");
        Files.writeString(dts, "/dts-v1/;\n/include/ \"part.dtsi\"\n/ { };\n");
        Result r = domus("dt", "compile", dts.toString(), "-o", dir.resolve("x.dtb").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith(dts + ":2:").contains("Couldn't read \"" + fifo + "\": not a regular file");
    }

    @Test
    void anUnknownCommandIsNamedWithTheNearestOnes() {
        Result r = domus("lsit");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("domus: unknown command 'lsit'; nearest: list\n");
        Result b = domus("bot", "system.dts");
        assertThat(b.err()).isEqualTo("domus: unknown command 'bot'; nearest: boot\n");
        Result x = domus("xyzzy-frobnicate");
        assertThat(x.exit()).isEqualTo(2);
        assertThat(x.err()).isEqualTo("domus: unknown command 'xyzzy-frobnicate' (domus --help lists the commands)\n");
        Result e = domus("\u001b]0;pwned\u0007");
        assertThat(e.err()).doesNotContain("\u001b").startsWith("domus: unknown command '");
    }

    @Test
    void aNodePrintedByItsOwnProcessReachesItsOutputBeforeItExits() throws Exception {
        Path example = Path.of(System.getProperty("domus.root", "..")).resolve("examples/dom0less.dts");
        Process p = DomusJvm.command("dt", "get", example.toString(), "/chosen/domU1").start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).startsWith("domU1 {\n").endsWith("};\n");
    }

    @Test
    void theOutputOfADetachedDomusIsRotatedAsConsoleLogsAre() throws Exception {
        // a detached system's output is every guest's console: here a script's echo lines stand in, 32 MiB of them
        String line = "x".repeat(1000);
        Path script = dir.resolve("flood.cmd");
        Files.writeString(script, """
                setenv a 'echo %s'
                setenv b 'run a; run a; run a; run a; run a; run a; run a; run a; run a; run a; run a; run a; run a; run a; run a; run a'
                setenv c 'run b; run b; run b; run b; run b; run b; run b; run b; run b; run b; run b; run b; run b; run b; run b; run b'
                setenv d 'run c; run c; run c; run c; run c; run c; run c; run c; run c; run c; run c; run c; run c; run c; run c; run c'
                run d; run d; run d; run d; run d; run d; run d; run d
                """.formatted(line));
        Path log = dir.resolve("domus.log");
        ProcessBuilder pb = DomusJvm.command("uboot", script.toString(), "--tftp-root", dir.toString(), "--plan-only")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put(Main.DETACHED_LOG, log.toString());
        assertThat(pb.start().waitFor()).isEqualTo(1); // it ends without booting
        Path old = dir.resolve("domus.log.1");
        assertThat(Files.size(log)).isPositive().isLessThanOrEqualTo(16L << 20);
        assertThat(Files.size(old)).isLessThanOrEqualTo(16L << 20).isGreaterThan(15L << 20);
        assertThat(Files.readString(log)).endsWith("flood.cmd: the script ended without booting: no bootm, booti or bootz ran\n");
    }

    @Test
    void anInputWithinItsLimitsButLargerThanTheHeapIsOneLineNotAStackTrace() throws Exception {
        StringBuilder dts = new StringBuilder("/dts-v1/;\n/ {\n");
        for (int i = 0; dts.length() < (24 << 20); i++) {
            dts.append("\tp").append(i).append(" = <1 2 3 4>, \"").append("x".repeat(40)).append("\", [00 11 22 33];\n");
        }
        Path big = dir.resolve("big.dts");
        Files.writeString(big, dts.append("};\n"));
        ProcessBuilder pb = DomusJvm.command("dt", "compile", big.toString(), "-o", dir.resolve("big.dtb").toString());
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Xmx96m");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isEqualTo(1);
        assertThat(err.lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList()).as(err)
                .containsExactly("domus: not enough memory for this input (the JVM's heap is 96 MiB; raise it with "
                        + "JAVA_TOOL_OPTIONS=-Xmx…): domus dt compile " + big + " -o " + dir.resolve("big.dtb"));
    }

    @Test
    void bootHelpOffersOnlyEnginesThatExist() {
        Result r = domus("boot", "--help");
        assertThat(r.exit()).isZero();
        String engine = r.out().lines().dropWhile(l -> !l.contains("Engine for every domain")).limit(2)
                .reduce("", (a, b) -> a + " " + b.strip());
        assertThat(engine).contains("auto (by each kernel's architecture) or qemu.").doesNotContain("kvm");
        Result k = domus("plan", "--engine", "kvm", "x.dts");
        assertThat(k.exit()).isEqualTo(2);
    }
}
