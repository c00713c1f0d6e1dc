package org.domus.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the Debian tools that make real boot artefacts (mkimage, cpio, gzip, dtc, gcc). A missing tool is a
 * failed test run, never a skip: the test command installs them.
 */
public final class Tools {
    /** Debian packages that provide each tool, for the failure message. */
    private static final Map<String, String> PACKAGES = Map.of("mkimage", "u-boot-tools", "cpio", "cpio",
            "gzip", "gzip", "dtc", "device-tree-compiler", "gcc", "gcc", "sh", "dash");

    private Tools() {
    }

    /** Runs {@code cmd} in {@code dir} and returns its stdout; a failure is an exception with its stderr. */
    public static byte[] run(Path dir, String... cmd) {
        require(cmd[0]);
        try {
            Path err = Files.createTempFile("tool", ".err");
            ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).directory(dir.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // mkimage stamps the header with this time, so the artefacts are the same on every run.
            pb.environment().put("SOURCE_DATE_EPOCH", "1700000000");
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + List.of(cmd));
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.delete(err);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("%s failed (%d): %s".formatted(List.of(cmd), p.exitValue(), stderr));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + List.of(cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a tool printed, for tests that check its listing and exit code themselves (cpio over our archives). */
    public record Run(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code argv} in {@code dir} with no input, in the C locale; a failure is returned. */
    public static Run outcome(Path dir, String... argv) throws IOException, InterruptedException {
        return run(dir, (Path) null, argv);
    }

    /** Runs {@code argv} in {@code dir} with {@code stdin} as its input, in the C locale; a failure is returned. */
    public static Run run(Path dir, Path stdin, String... argv) throws IOException, InterruptedException {
        require(argv[0]);
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(stdin != null ? stdin.toFile() : new File("/dev/null"));
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish in 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Removes a folder made by a test and everything in it (a property's tries make their own, outside @TempDir). */
    public static void deleteTree(Path top) throws IOException {
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static List<String> lines(String text) {
        return new ArrayList<>(text.lines().toList());
    }

    /** Runs a shell command line (for pipes such as {@code find . | cpio -o}). */
    public static byte[] sh(Path dir, String commandLine) {
        return run(dir, "sh", "-c", commandLine);
    }

    /** Where {@code tool} is on PATH, or null: for a test that uses a tool only when the host has it. */
    public static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static void require(String tool) {
        if (which(tool) != null) {
            return;
        }
        throw new IllegalStateException("%s not found on PATH: the tests need Debian's %s (apt-get install %s)"
                .formatted(tool, PACKAGES.getOrDefault(tool, tool), PACKAGES.getOrDefault(tool, tool)));
    }
}
