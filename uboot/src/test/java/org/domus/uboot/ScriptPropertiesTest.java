package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random hush fragments and command arguments, over real files (a DTB from dtc, uImages and a script image from
 * mkimage): a replay boots or stops with the module's own error ({@link ReplayException}), never another exception,
 * within bounded time and memory (a small board, so that nothing a script loads can take much).
 */
class ScriptPropertiesTest {
    private static final long BOARD = 256L << 20;
    private static Path dir;
    private static Path tftp;

    @BeforeContainer
    static void files() throws Exception {
        dir = Files.createTempDirectory("uboot-props");
        tftp = Board.seedRoot(dir.resolve("tftp"), -1);
        Files.writeString(tftp.resolve("inner.cmd"), "echo inner; setenv from_inner 1\n");
        Board.mkimage(tftp, "-A", "arm64", "-T", "script", "-C", "none", "-d", "inner.cmd", "inner.scr");
        Board.mkimage(tftp, "-A", "arm64", "-O", "linux", "-T", "multi", "-C", "none", "-n", "bundle", "-d",
                "xen-stub:rootfs.cpio.gz:xen.dtb", "multi.ub");
    }

    @AfterContainer
    static void clean() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 1500)
    void aScriptBootsOrStopsWithItsOwnErrorInBoundedTime(@ForAll("scripts") String script) {
        Replay.Options options = new Replay.Options(new TftpRoot(tftp), tftp, BOARD, Replay.Listener.QUIET);
        long start = System.nanoTime();
        try {
            Replay.run("boot.cmd", script, options);
        } catch (ReplayException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        assertThat(System.nanoTime() - start).as("replay of:%n%s", script).isLessThan(10_000_000_000L);
    }

    @Property(tries = 300)
    void anyBytesAsAScriptFileAreReplayedOrRefused(@ForAll("bytes") byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "boot", ".scr");
        Files.write(file, bytes);
        try {
            Replay.run(file, new Replay.Options(new TftpRoot(tftp), tftp, BOARD, Replay.Listener.QUIET));
        } catch (ReplayException e) {
            assertThat(e.getMessage()).isNotBlank();
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> header = Arbitraries.bytes().array(byte[].class).ofMinSize(64).ofMaxSize(200).map(b -> {
            b[0] = 0x27;
            b[1] = 0x05;
            b[2] = 0x19;
            b[3] = 0x56;
            return b;
        });
        return Arbitraries.oneOf(List.of(random, header, scripts().map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Provide
    Arbitrary<String> scripts() {
        Arbitrary<String> line = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, command()),
                // a failing command in a condition is just false: these lines go on, so later ones run too
                net.jqwik.api.Tuple.of(8, command().map(c -> c + " || true")),
                net.jqwik.api.Tuple.of(2, command().map(c -> "if " + c + "; then true; fi")),
                net.jqwik.api.Tuple.of(2, Combinators.combine(command(), Arbitraries.of(" && ", " || ", "; ", ";"), command())
                        .as((a, op, b) -> a + op + b)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(command(), command(), command())
                        .as((c, t, e) -> "if " + c + "; then " + t + "; else " + e + "; fi")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(20)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("if", "then", "fi", "else", "elif true; then", "\"", "'", "\\",
                        "${", "$", "#", "\\#", "&&", "||", ";;", "if true; then", "fi fi", "}")));
        Arbitrary<String> prelude = Arbitraries.of("", "tftpb 0x1280000 xen.dtb\nfdt addr 0x1280000\n",
                "tftpb 0x1400000 multi.ub\n", "tftpb 0x2000000 inner.scr\n",
                "tftpb 0x1280000 xen.dtb\ntftpb 0x1400000 xen.ub\ntftpb 0x9000000 xen-rootfs.cpio.gz.u-boot\n"
                        + "tftpb 0x2000000 Image-DomU\ntftpb 0x3000000 ramdisk-DomU\nfdt addr 0x1280000\nfdt resize 0x1000\n");
        return Combinators.combine(prelude, line.list().ofMaxSize(16)).as((p, l) -> p + String.join("\n", l) + "\n");
    }

    private static Arbitrary<String> command() {
        Arbitrary<String> name = Arbitraries.of("setenv", "env set", "env delete", "env exists", "env print", "printenv",
                "echo", "setexpr", "test", "true", "false", "exit", "sleep", "run", "boot", "source", "tftpb", "tftp",
                "load mmc 0:1", "fatload mmc 0", "ext4load mmc 0:1", "cp", "cp.b", "cp.l", "imxtract", "fdt addr",
                "fdt resize", "fdt set", "fdt mknod", "fdt rm", "fdt get value", "fdt get name", "fdt get size",
                "fdt print", "fdt list", "fdt apply", "fdt chosen", "fdt header", "bootm", "booti", "bootz", "nosuch");
        return Combinators.combine(name, argument().list().ofMaxSize(5)).as((n, a) -> a.isEmpty() ? n : n + " " + String.join(" ", a));
    }

    private static Arbitrary<String> argument() {
        return Arbitraries.oneOf(List.of(
                Arbitraries.of("0x1280000", "0x80000", "0x1400000", "0x9000000", "0x2000000", "0", "0x0", "1280000",
                        "0x0x80000", "0xffffffffffffffff", "0x10000000", "0xfffffff0", "-1", "0x", "ff", "0x40000000",
                        ":", "0x1400000:1", "0x1400000:", "-", "0x9000000:0x100", "0x1000:0xffffffffffff"),
                Arbitraries.of("xen.dtb", "xen.ub", "xen-Image", "Image-DomU", "xen-rootfs.cpio.gz.u-boot", "inner.scr",
                        "multi.ub", "../x", "/", "", "nosuch", "a/../../b"),
                Arbitraries.of("/chosen", "/", "/chosen/domU1", "/chosen/module@80000", "bootargs", "reg", "compatible",
                        "<0x1 0x2>", "[00 01]", "\"text\"", "<>", "<0xffffffffff>", "/nosuch/node", "//", "/chosen/x@"),
                Arbitraries.of("x", "y", "$x", "${x}", "\"$x$x\"", "${x}${x}${x}", "'run x'", "\"run x; run x\"",
                        "'run x || run x'", "$?", "${filesize}", "$fileaddr", "bootargs", "bootcmd", "loadaddr",
                        "=", "-f", "-e", "-n", "-z", "!", "+", "*", "/", "%", "==", "<", ">", "-eq", "-lt", "0x10"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12)));
    }
}
