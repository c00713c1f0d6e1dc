package org.domus.payload;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's reference tools (cpio, gzip, sh), run on files of ours; a missing tool fails the test (run-tests installs cpio). */
final class Tools {
    private Tools() {
    }

    record Run(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code argv} in {@code dir} with {@code stdin} as its input. */
    static Run run(Path dir, Path stdin, String... argv) throws IOException, InterruptedException {
        if (which(argv[0]) == null) {
            fail(argv[0] + " not found on PATH: install it (apt-get install -y " + argv[0] + "), as ./run-tests does");
        }
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(stdin != null ? stdin.toFile() : new File("/dev/null"));
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", argv) + " did not finish in 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static List<String> lines(String text) {
        return new ArrayList<>(text.lines().toList());
    }
}
