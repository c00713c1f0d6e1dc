package org.domus.uboot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * A local folder standing in for a TFTP server's root ({@code --tftp-root DIR}). Names resolve as Debian's
 * {@code tftpd-hpa -s DIR} resolves them, so that a script that works here works against the real server: leading
 * slashes are dropped ({@code /xen-Image} and {@code xen-Image} are the same file), {@code .} and {@code ..} are
 * followed inside the root. A name whose {@code ..} would climb above the root is refused; tftpd-hpa, chrooted,
 * would silently serve a file at the top of the root instead, which hides a mistake in the script.
 */
public record TftpRoot(Path dir) implements TftpSource {
    /** Copy buffer: large enough that a 30 MB kernel takes a few hundred reads, small enough to not matter. */
    private static final int CHUNK = 64 * 1024;

    public TftpRoot {
        Objects.requireNonNull(dir, "dir");
    }

    @Override
    public long fetch(String fileName, OutputStream out, TransferProgress progress) throws IOException {
        Path file = resolve(fileName);
        if (Files.isDirectory(file)) {
            throw failure(fileName, "is a directory");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // A FIFO would block the replay forever, a device (a link to /dev/zero) would never end.
            throw failure(fileName, "not a regular file (a FIFO, socket or device)");
        }
        try (InputStream in = open(fileName, file)) {
            long total = Files.size(file);
            progress.transferred(0, total);
            byte[] buffer = new byte[CHUNK];
            long copied = 0;
            for (int n; (n = read(fileName, in, buffer)) > 0; ) {
                out.write(buffer, 0, n); // the caller's own errors (board memory full) pass through as they are
                copied += n;
                progress.transferred(copied, total);
            }
            return copied;
        }
    }

    @Override
    public String describe(String fileName) {
        String root = dir.toString();
        return (root.endsWith("/") ? root : root + "/") + stripLeadingSlashes(fileName);
    }

    /** The file {@code fileName} names, checked to stay inside the root. */
    Path resolve(String fileName) throws IOException {
        String name = stripLeadingSlashes(fileName);
        if (name.isEmpty()) {
            throw failure(fileName, "no file name");
        }
        if (name.indexOf('\0') >= 0) {
            throw failure(fileName, "file name contains a NUL character");
        }
        // By the name's text alone: '..' cancels the part before it, and must not cancel the root itself.
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw failure(fileName, "refused: '..' leads outside the TFTP root " + dir);
                }
                parts.removeLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.addLast(part);
            }
        }
        try {
            return dir.resolve(String.join("/", parts));
        } catch (InvalidPathException e) {
            throw failure(fileName, "not a valid file name: " + e.getReason());
        }
    }

    private InputStream open(String fileName, Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw Files.isDirectory(dir) ? failure(fileName, "file not found")
                    : failure(fileName, "file not found (the TFTP root " + dir + " is not a directory)");
        } catch (AccessDeniedException e) {
            throw failure(fileName, "permission denied");
        } catch (FileSystemException e) {
            // "a.bin/x" where a.bin is a file: ENOTDIR, which tftpd-hpa also reports as "file not found"
            throw Files.exists(file) ? failure(fileName, reason(e)) : failure(fileName, "file not found");
        }
    }

    private int read(String fileName, InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw failure(fileName, "read failed: " + reason(e));
        }
    }

    private IOException failure(String fileName, String what) {
        return new IOException(describe(fileName) + ": " + what);
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
    }

    private static String stripLeadingSlashes(String fileName) {
        int start = 0;
        while (start < fileName.length() && fileName.charAt(start) == '/') {
            start++;
        }
        return fileName.substring(start);
    }
}
