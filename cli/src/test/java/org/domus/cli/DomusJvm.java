package org.domus.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code domus ARGS} in a JVM of its own, as from another terminal, on this test run's own classes. */
final class DomusJvm {
    private DomusJvm() {
    }

    static ProcessBuilder command(String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cp = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isEmpty()) {
                cp.add(v);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                String.join(File.pathSeparator, cp), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** What a process printed (stdout and stderr together) and its exit status; -1 when it was stopped. */
    record Run(int exit, String output) {
        /** Whether it ended on its own within its time. */
        boolean ended() {
            return exit >= 0;
        }
    }

    /** {@code domus ARGS} in a JVM of its own under {@code xdg} (its XDG_RUNTIME_DIR), to its end, as {@link #run(ProcessBuilder, int)}. */
    static Run run(Path xdg, int seconds, String... args) throws InterruptedException, IOException {
        ProcessBuilder pb = command(args);
        pb.environment().put("XDG_RUNTIME_DIR", xdg.toString());
        return run(pb, seconds);
    }

    /**
     * Runs {@code pb} (a domus JVM, as this user or another) to its end with no input and its output gathered; one
     * still running after {@code seconds} (a client gone to another's socket would wait there for ever) is stopped
     * with its children, its output saying so.
     */
    static Run run(ProcessBuilder pb, int seconds) throws InterruptedException, IOException {
        Process p = pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // gone
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            reader.join(5000);
            return new Run(-1, out + "[still running after " + seconds + " s: stopped]");
        }
        reader.join(5000);
        return new Run(p.exitValue(), out.toString());
    }
}
