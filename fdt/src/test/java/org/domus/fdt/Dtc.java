package org.domus.fdt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference compiler, Debian's {@code dtc} (package device-tree-compiler, installed by the test
 * command). Golden outputs for our own test sources are made with it at test time, never by hand.
 */
public final class Dtc {
    private Dtc() {
    }

    /** Result of one dtc run. */
    public record Run(int exitCode, byte[] stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public static Run run(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary());
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("dtc", ".err");
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("dtc timed out: " + cmd);
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.delete(err);
            return new Run(p.exitValue(), out, stderr);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code dtc -I dts -O dtb FILE}, run in the file's folder; the blob, or a failed run. */
    public static Run compile(Path dts) {
        Path abs = dts.toAbsolutePath();
        return run(abs.getParent(), "-q", "-I", "dts", "-O", "dtb", abs.getFileName().toString());
    }

    /** {@code dtc -I dtb -O dts FILE}. */
    public static Run decompile(Path dtb) {
        Path abs = dtb.toAbsolutePath();
        return run(abs.getParent(), "-q", "-I", "dtb", "-O", "dts", abs.getFileName().toString());
    }

    /** The dtc binary; missing dtc is a failed test run, never a skip (the test command installs it). */
    public static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "dtc"))) {
                return Path.of(dir, "dtc").toString();
            }
        }
        throw new IllegalStateException("dtc not found on PATH: run the README's test command, which installs device-tree-compiler");
    }
}
