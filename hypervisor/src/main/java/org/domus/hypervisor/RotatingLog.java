package org.domus.hypervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A domain's console log (or a detached system's {@code domus.log}) that a guest flooding its console cannot grow
 * without end: once the file would pass
 * {@code limit} bytes it becomes {@code NAME.1} (replacing the one before) and a new file starts, as xenconsoled's
 * logs are rotated. At most two files of at most {@code limit} bytes each are kept; a single line longer than the
 * limit is cut to it. Lines are written whole, so a rotation never splits one.
 */
public final class RotatingLog extends OutputStream {
    /** 16 MiB: days of an ordinary guest's console, and a flood costs at most 32 MiB of disk per domain. */
    public static final long DEFAULT_LIMIT = 16L << 20;

    private final Path file;
    private final Path old;
    private final long limit;
    private OutputStream out;
    private long size;

    public RotatingLog(Path file, long limit) throws IOException {
        this.file = file;
        this.old = file.resolveSibling(file.getFileName() + ".1");
        this.limit = limit;
        open();
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** One line (or more), whole: it starts a new file if it would not fit in this one. */
    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        int n = (int) Math.min(len, limit);
        if (size > 0 && size + n > limit) {
            out.close();
            Files.move(file, old, StandardCopyOption.REPLACE_EXISTING);
            open();
        }
        out.write(b, off, n);
        size += n;
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
