package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.domus.image.Arch;
import org.domus.image.ElfHeader;
import org.domus.testsupport.E2E;
import org.domus.testsupport.EndToEnd;
import org.domus.testsupport.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real fetches from Debian's archive. The payload tests use the usual cache (a CI cache keeps it between runs);
 * the tests of the fetching itself start from empty caches of their own.
 */
@EndToEnd
class PayloadFetchTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(1800)
    void arm64PayloadIsAnImageAndAStaticAarch64Busybox() throws Exception {
        GuestPayload p = TestGuest.arm64();
        assertThat(p.arch()).isEqualTo(Arch.ARM64);
        assertThat(p.kernelPackage()).matches("linux-image-\\d+\\.\\d+\\.\\d+-\\d+-cloud-arm64-unsigned");
        assertThat(p.kernelVersion()).matches("\\d+\\.\\d+\\.\\d+-\\d+\\S*");
        assertThat(p.busyboxVersion()).matches("(\\d+:)?1\\.\\d+\\.\\d+-\\S+");

        byte[] image = head(p.kernel(), 64);
        assertThat(new String(image, 0x38, 3, StandardCharsets.US_ASCII) + (char) image[0x3b]).as("Image magic at 0x38").isEqualTo("ARM\u0064");
        assertThat(Files.size(p.kernel())).as("an uncompressed Image").isGreaterThan(8L << 20);

        byte[] elf = head(p.busybox(), 64);
        ByteBuffer h = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(h.getInt(0)).as("ELF magic").isEqualTo(0x464c457f);
        assertThat(elf[4]).as("ELFCLASS64").isEqualTo((byte) 2);
        assertThat(Short.toUnsignedInt(h.getShort(18))).as("e_machine EM_AARCH64").isEqualTo(183);
        assertThat(ElfHeader.read(p.busybox()).interpreter()).as("static: no PT_INTERP").isFalse();
        if (Tools.which("file") != null) {
            assertThat(Tools.outcome(tmp, "file", "-b", p.busybox().toString()).stdout())
                    .contains("ARM aarch64").contains("statically linked");
        }

        Tools.Run gz = Tools.outcome(tmp, "gzip", "-t", p.initramfs().toString());
        assertThat(gz.exitCode()).as(gz.stderr()).isZero();
        System.out.printf("payload: %s %s (Image %.1f MiB), busybox-static %s (%.1f MiB), initramfs %.1f MiB%n",
                p.kernelPackage(), p.kernelVersion(), mib(p.kernel()), p.busyboxVersion(), mib(p.busybox()), mib(p.initramfs()));
    }

    /** A warm cache needs no network: every network step (update, download) prints a line, and none appears. */
    @Test
    @Timeout(1800)
    void aWarmCacheFetchesNothing() throws Exception {
        GuestPayload first = TestGuest.arm64();
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        GuestPayload again = GuestPayload.fetch(Arch.ARM64,
                new DebianPackages(PayloadCache.defaultRoot(), new PrintStream(said, true, StandardCharsets.UTF_8), false));
        assertThat(again).isEqualTo(first);
        assertThat(said.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    @Timeout(1800)
    void anEmptyCacheFetchesOnceWithOneProgressLine() throws Exception {
        Path cache = tmp.resolve("cache");
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        DebianPackages debian = new DebianPackages(cache, new PrintStream(said, true, StandardCharsets.UTF_8), false);
        Path dir = fetchBusybox(debian);
        String progress = said.toString(StandardCharsets.UTF_8).replaceAll("(?m)^domus: updating apt's package lists.*\n", "");
        assertThat(progress).matches("domus: fetching busybox-static \\S+ \\d+\\.\\d MiB… done in \\d+\\.\\d s\n");
        assertThat(dir).startsWith(cache.resolve("debian/arm64"));
        assertThat(dir.resolve("bin/busybox")).isExecutable();

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        Path again = fetchBusybox(new DebianPackages(cache, new PrintStream(second, true, StandardCharsets.UTF_8), false));
        assertThat(again).isEqualTo(dir);
        assertThat(second.toString(StandardCharsets.UTF_8)).isEmpty();
        try (var left = Files.list(cache.resolve("debian"))) {
            assertThat(left.map(f -> f.getFileName().toString())).as("no work folders left").containsExactly("arm64");
        }
    }

    /** Two JVMs fetching into the same empty cache at the same moment: one downloads, the other waits and reuses. */
    @Test
    @Timeout(1800)
    void twoProcessesFetchingAtOnceDownloadOnce() throws Exception {
        Path cache = tmp.resolve("shared-cache");
        List<Process> ps = new ArrayList<>();
        List<Path> errs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            errs.add(tmp.resolve("err" + i));
            ps.add(fetchOnce(cache, errs.getLast(), Map.of()));
        }
        List<String> dirs = new ArrayList<>();
        StringBuilder progress = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            Process p = ps.get(i);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(20, TimeUnit.MINUTES)).isTrue();
            String err = Files.readString(errs.get(i));
            if (p.exitValue() != 0) {
                ps.forEach(Process::destroyForcibly);
                E2E.unavailable("a fetching process failed: " + err.strip());
            }
            dirs.add(out);
            progress.append(err);
        }
        assertThat(dirs.get(0)).isEqualTo(dirs.get(1)).startsWith(cache.toString());
        assertThat(progress.toString().lines().filter(l -> l.startsWith("domus: fetching"))).as(progress.toString()).hasSize(1);
        assertThat(Path.of(dirs.get(0), "bin/busybox")).isExecutable();
    }

    @Test
    @Timeout(1800)
    void x86PayloadIsABzImageAndAStaticX86Busybox() throws Exception {
        GuestPayload p;
        try {
            p = GuestPayload.x86_64();
        } catch (PayloadException e) {
            throw E2E.unavailable("the x86-64 guest payload could not be fetched: " + e.getMessage());
        }
        assertThat(p.kernelPackage()).matches("linux-image-\\d+\\.\\d+\\.\\d+-\\d+-cloud-amd64-unsigned");
        byte[] boot = head(p.kernel(), 0x210);
        assertThat(new String(boot, 0x202, 4, StandardCharsets.US_ASCII)).as("bzImage magic at 0x202").isEqualTo("HdrS");
        ElfHeader elf = ElfHeader.read(p.busybox());
        assertThat(elf.machine()).isEqualTo(ElfHeader.EM_X86_64);
        assertThat(elf.interpreter()).isFalse();
        System.out.printf("payload x86: %s %s (bzImage %.1f MiB), busybox-static %s%n", p.kernelPackage(), p.kernelVersion(),
                mib(p.kernel()), p.busyboxVersion());
    }

    /**
     * An archive that cannot be reached (apt honours http_proxy; nothing listens on port 9) gives one line that
     * names the package and the cause. Needs no network.
     */
    @Test
    @Timeout(600)
    void anUnreachableArchiveIsOneClearLine() throws Exception {
        Path err = tmp.resolve("err");
        Process p = fetchOnce(tmp.resolve("cache"), err, Map.of("http_proxy", "http://127.0.0.1:9", "https_proxy", "http://127.0.0.1:9"));
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        List<String> lines = Files.readAllLines(err);
        assertThat(p.exitValue()).as(String.join("\n", lines)).isEqualTo(1);
        assertThat(lines.getLast()).matches("cannot fetch busybox-static:arm64: apt-get (download|update) failed: "
                + ".*Could not connect to 127\\.0\\.0\\.1:9.*; is the network up\\?");
        if (lines.getLast().contains("download")) {
            assertThat(lines).anyMatch(l -> l.matches("domus: fetching busybox-static .*… failed"));
        }
    }

    /** A version apt does not know is not the network's fault, and the line does not say it is. */
    @Test
    @Timeout(600)
    void anUnknownVersionIsOneLineWithoutANetworkHint() {
        DebianPackages debian = new DebianPackages(tmp.resolve("cache"), new PrintStream(new ByteArrayOutputStream()), false);
        assertThatThrownBy(() -> debian.unpacked(new DebianPackage("busybox-static", "arm64", "9:9.9-9", 1000, "")))
                .hasMessage("cannot fetch busybox-static:arm64: apt-get download failed: Version '9:9.9-9' for 'busybox-static:arm64' was not found");
    }

    private static Process fetchOnce(Path cache, Path err, Map<String, String> env) throws IOException, URISyntaxException {
        ProcessBuilder pb = new ProcessBuilder(javaCommand(), "-cp", classPath(), FetchOnce.class.getName())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("DOMUS_CACHE", cache.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static Path fetchBusybox(DebianPackages debian) {
        try {
            return debian.unpacked(debian.resolve("busybox-static", "arm64"));
        } catch (PayloadException e) {
            throw E2E.unavailable("busybox-static:arm64 could not be fetched: " + e.getMessage());
        }
    }

    private static byte[] head(Path file, int n) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    private static double mib(Path file) throws IOException {
        return Files.size(file) / (1024.0 * 1024.0);
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Main and test classes, wherever the build put them (on the module path or the class path). */
    private static String classPath() throws URISyntaxException {
        return Path.of(DebianPackages.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator + Path.of(FetchOnce.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
