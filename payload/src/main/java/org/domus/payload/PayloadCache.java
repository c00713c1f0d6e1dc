package org.domus.payload;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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

    /**
     * What went wrong in an I/O failure, for a message that names the file itself. NIO's file exceptions carry
     * only the path as their message ("/root/.cache/domus/.lock"): where, not what.
     */
    static String why(IOException e) {
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason() : switch (f) {
                case AccessDeniedException a -> "permission denied";
                case NoSuchFileException n -> "no such file or folder";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException d -> "not a folder";
                default -> f.getClass().getSimpleName();
            };
            return reason;
        }
        return e.getMessage();
    }

    /** A held cache lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /** Held while a process fills the cache, so that two processes fetching at once do the work once. */
    static Held lock(Path root) throws IOException {
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
