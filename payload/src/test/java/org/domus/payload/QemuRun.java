package org.domus.payload;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One plain {@code qemu-system-aarch64} run of the payload, its serial console collected as it prints. */
final class QemuRun implements AutoCloseable {
    private final Process process;
    private final StringBuffer console = new StringBuffer();
    private final Thread reader;
    final long startNanos = System.nanoTime();

    private QemuRun(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    console.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                console.append("\n[console read failed: ").append(e.getMessage()).append("]\n");
            }
        });
    }

    /** The command line engine-facts.md recommends, console on stdio, and no reboot: a guest reboot ends QEMU. */
    static QemuRun start(Path qemu, GuestPayload payload, int cpus, String append) throws IOException {
        List<String> argv = List.of(qemu.toString(), "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-accel", "tcg,thread=multi",
                "-nodefaults", "-no-user-config", "-display", "none", "-m", "128", "-smp", Integer.toString(cpus),
                "-kernel", payload.kernel().toString(), "-initrd", payload.initramfs().toString(), "-append", append,
                "-serial", "stdio", "-no-reboot");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new QemuRun(p);
    }

    /** Waits for QEMU to end by itself; false (and QEMU still running) after {@code limit}. */
    boolean exits(Duration limit) throws InterruptedException {
        boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (ended) {
            reader.join(5000);   // the last console bytes
        }
        return ended;
    }

    /** Polls the console until {@code seen} holds, QEMU ends, or {@code limit} passes. */
    boolean awaitConsole(Predicate<String> seen, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (seen.test(console.toString())) {
                return true;
            }
            if (!process.isAlive()) {
                reader.join(5000);
                return seen.test(console.toString());
            }
            Thread.sleep(50);
        }
        return false;
    }

    int exitCode() {
        return process.exitValue();
    }

    String console() {
        return console.toString();
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The last lines of the console, for an assertion message. */
    String tail() {
        List<String> lines = console().lines().toList();
        return "\n--- last console lines ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
