package org.domus.dom0less;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Debian tools that make real boot artefacts (mkimage, cpio, gzip, dtc, gcc). A missing tool is a
 * failed test run, never a skip: the test command installs them.
 */
final class Tools {
    /** Debian packages that provide each tool, for the failure message. */
    private static final Map<String, String> PACKAGES = Map.of("mkimage", "u-boot-tools", "cpio", "cpio",
            "gzip", "gzip", "dtc", "device-tree-compiler", "gcc", "gcc", "sh", "dash");

    private Tools() {
    }

    /** Runs {@code cmd} in {@code dir} and returns its stdout; a failure is an exception with its stderr. */
    static byte[] run(Path dir, String... cmd) {
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

    /** Runs a shell command line (for pipes such as {@code find . | cpio -o}). */
    static byte[] sh(Path dir, String commandLine) {
        return run(dir, "sh", "-c", commandLine);
    }

    private static void require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new IllegalStateException("%s not found on PATH: the tests need Debian's %s (apt-get install %s)"
                .formatted(tool, PACKAGES.getOrDefault(tool, tool), PACKAGES.getOrDefault(tool, tool)));
    }
}
