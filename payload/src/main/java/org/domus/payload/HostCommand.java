package org.domus.payload;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Debian tool run to completion, with its output kept; the C locale keeps that output parsable. */
record HostCommand(List<String> argv, Path dir, Duration timeout) {

    /** What the tool printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The line worth quoting in a one-line error: apt's first "E:" line, else the last line printed. */
        String reason() {
            List<String> lines = (stderr + "\n" + stdout).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.stream().filter(l -> l.startsWith("E: ")).findFirst().map(l -> l.substring(3))
                    .orElse(lines.isEmpty() ? "exit code " + exitCode : lines.getLast());
        }
    }

    static HostCommand of(Duration timeout, String... argv) {
        return new HostCommand(List.of(argv), null, timeout);
    }

    /** Runs the tool; a tool that cannot start or overruns its time is reported as a failed run, not thrown. */
    Result run() {
        Path out = null;
        Path err = null;
        Process p = null;
        try {
            out = Files.createTempFile("domus-cmd", ".out");
            err = Files.createTempFile("domus-cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().put("LC_ALL", "C");
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, "", argv.getFirst() + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "", "cannot run " + argv.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "", argv.getFirst() + " interrupted");
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
