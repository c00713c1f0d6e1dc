package org.domus.engine.qemu;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Spots a Linux kernel panic on the console. Debian's Arm64 kernel has no pvpanic device, so to QEMU a panic looks
 * like a guest reset (with {@code panic=-1}) or like nothing at all (with {@code panic=0}); the console's
 * "Kernel panic - not syncing" line is the only sign. The crash is settled when the kernel prints the panic's end
 * marker, or a grace period after the panic line (the stack trace that follows it is worth keeping in the console).
 *
 * <p>A guest that prints that phrase from user space is taken for a crashed one.
 */
final class PanicWatch implements Consumer<String> {
    static final String PANIC = "Kernel panic - not syncing";
    static final String END = "---[ end Kernel panic - not syncing";
    static final Duration GRACE = Duration.ofSeconds(1);

    private final CompletableFuture<String> settled = new CompletableFuture<>();
    private volatile String line;

    @Override
    public void accept(String consoleLine) {
        if (line == null) {
            int at = consoleLine.indexOf(PANIC);
            if (at >= 0) {
                line = consoleLine.substring(at).strip();
                CompletableFuture.delayedExecutor(GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> settled.complete(line));
            }
        } else if (consoleLine.contains(END)) {
            settled.complete(line);
        }
    }

    /** The panic line ("Kernel panic - not syncing: …", without the printk time), or null. */
    String line() {
        return line;
    }

    /** Completes with the panic line once the kernel is done panicking. */
    CompletableFuture<String> settled() {
        return settled;
    }
}
