package org.domus.xenstore;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.domus.testsupport.E2E;

/**
 * Debian's {@code xenstore-utils} (the C tools over libxenstore), run against a socket through
 * {@code XENSTORED_PATH}. Missing tools skip the test with the reason, or fail it where
 * {@code DOMUS_REQUIRE_E2E=1} (CI, which installs the package through ./run-tests).
 */
final class XenstoreUtils {
    record Result(int exit, String out, String err) {
    }

    private XenstoreUtils() {
    }

    static void require() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("xenstore-ls", "xenstore-read", "xenstore-write", "xenstore-watch",
            "xenstore-rm", "xenstore-chmod", "xenstore-list")) {
            if (which(tool) == null) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        E2E.unavailable(String.join(", ", missing) + " not on PATH (Debian package xenstore-utils)");
    }

    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static ProcessBuilder command(Path socket, String... argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("XENSTORED_PATH", socket.toString());
        return pb;
    }

    /** Runs one tool to its end (10 s at most) and returns its exit code and output. */
    static Result run(Path socket, String... argv) throws IOException, InterruptedException {
        Process p = command(socket, argv).start();
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", argv) + " did not finish in 10 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
            new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
