package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.domus.engine.EngineException;

/**
 * One running QEMU, tied to the JVM's life. It is started through {@code setpriv --pdeathsig KILL}, so the kernel
 * kills it when its parent goes, even on {@code kill -9} of the JVM. The parent the kernel watches is the
 * <em>thread</em> that forked, so each QEMU is spawned from a thread of its own that waits for it and lives exactly
 * as long as it does (a pooled or virtual thread could end first and take QEMU with it).
 *
 * <p>QEMU's stdout and stderr go to a log file, after a line with the command.
 */
final class QemuProcess {
    /** The Debian package of {@code setpriv}. */
    static final String SETPRIV_PACKAGE = "util-linux";
    private static final String LOG_MARK = "# domus ";

    private final Process process;
    private final Path log;
    private final CompletableFuture<Integer> exit;

    private QemuProcess(Process process, Path log, CompletableFuture<Integer> exit) {
        this.process = process;
        this.log = log;
        this.exit = exit;
    }

    /** Starts QEMU in {@code workDir}, logging to {@code log}. */
    static QemuProcess launch(String name, List<String> qemuArgs, Path workDir, Path log) throws EngineException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
        command.addAll(qemuArgs);
        try {
            Files.writeString(log, LOG_MARK + Instant.now() + ": " + quoted(command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new EngineException("%s: cannot write QEMU log %s: %s".formatted(name, log, e.getMessage()), e);
        }
        var builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        var started = new CompletableFuture<Process>();
        var exit = new CompletableFuture<Integer>();
        Thread.ofPlatform().daemon().name("qemu-" + name).start(() -> {
            Process p;
            try {
                p = builder.start();
            } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
                return;
            }
            started.complete(p);
            exit.complete(waitUninterruptibly(p)); // exit listeners run here, on the thread QEMU's life is tied to
        });
        try {
            return new QemuProcess(started.get(), log, exit);
        } catch (ExecutionException e) {
            throw new EngineException("%s: cannot start %s: %s".formatted(name, qemuArgs.getFirst(), e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(name + ": interrupted starting QEMU");
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the exit status (128 + n when killed by signal n) once QEMU has exited. */
    CompletableFuture<Integer> exit() {
        return exit;
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    Path log() {
        return log;
    }

    /** The last {@code n} non-empty lines QEMU wrote since it was launched, joined with "; ". */
    String logTail(int n) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
        Deque<String> tail = new ArrayDeque<>();
        for (String line : lines) {
            if (line.startsWith(LOG_MARK)) {
                tail.clear(); // an earlier launch of the same domain
            } else if (!line.isBlank()) {
                tail.addLast(line.strip());
                if (tail.size() > n) {
                    tail.removeFirst();
                }
            }
        }
        return String.join("; ", tail);
    }

    /** "exited with status 1" or "was killed by signal 9", as Java reports a signal death as 128 + n. */
    static String describe(int status) {
        return status > 128 && status < 128 + 65 ? "was killed by signal " + (status - 128) : "exited with status " + status;
    }

    private static int waitUninterruptibly(Process p) {
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                // this thread must outlive QEMU, whatever happens to the JVM's other threads
            }
        }
    }

    private static String quoted(List<String> command) {
        return command.stream().map(a -> a.isEmpty() || a.matches(".*[\\s'\"\\\\$].*") ? "'" + a.replace("'", "'\\''") + "'" : a)
                .collect(Collectors.joining(" "));
    }
}
