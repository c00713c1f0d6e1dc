package org.domus.engine.payload;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The folder that holds fetched packages and built initramfs files, outside any repository:
 * {@code $DOMUS_CACHE}, else {@code $XDG_CACHE_HOME/domus}, else {@code ~/.cache/domus}.
 */
public final class PayloadCache {
    /**
     * A JVM holds a file lock once per file, and a second {@code FileChannel.lock} from another thread throws
     * instead of waiting; this lock makes threads queue before they take the file lock.
     */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private PayloadCache() {
    }

    /** The cache folder for this process's environment. */
    public static Path defaultRoot() {
        return root(System.getenv(), System.getProperty("user.home"));
    }

    static Path root(Map<String, String> env, String home) {
        String domus = env.get("DOMUS_CACHE");
        if (domus != null && !domus.isEmpty()) {
            return Path.of(domus).toAbsolutePath();
        }
        String xdg = env.get("XDG_CACHE_HOME");
        // The XDG spec says a relative value is invalid and must be ignored.
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "domus");
        }
        return Path.of(home, ".cache", "domus");
    }

    /** Held while a process fills the cache, so that two processes fetching at once do the work once. */
    static AutoCloseable lock(Path root) throws IOException {
        Files.createDirectories(root);
        IN_PROCESS.lock();
        try {
            FileChannel channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held = channel.lock();
            return () -> {
                try (channel) {
                    held.release();
                } finally {
                    IN_PROCESS.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            IN_PROCESS.unlock();
            throw e;
        }
    }
}
