package org.domus.fdt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file a user named, read whole, but only if it is a regular file no larger than its format allows: a directory,
 * a FIFO (which would block the read forever) or a device ({@code /dev/zero}, which never ends) is refused by path
 * before it is opened, and a file is never read past its limit, even one that grows while it is read.
 */
public final class InputFile {
    /**
     * The largest device-tree source read: 64 MiB. dtc itself sets none, but the blob it makes cannot exceed what
     * a DTB's 32-bit offsets and Java's arrays hold (2 GiB), Xen refuses a system tree over 2 MiB (MAX_FDT_SIZE),
     * and the largest board sources (Linux's, after cpp) are a few hundred KiB; a 64 MiB source is far past any of
     * those that dtc would still compile, while our parse of it stays within the default heap.
     */
    public static final long DTS_LIMIT = 64L << 20;
    /** The largest blob: a DTB's totalsize is 32-bit, and a Java array stops just short of 2 GiB. */
    public static final long DTB_LIMIT = Integer.MAX_VALUE - 16;

    private InputFile() {
    }

    /** Why a file is refused, naming it: one line, the path first. */
    public static final class RefusedException extends IOException {
        private final String why;

        public RefusedException(Path file, String why) {
            super(file + ": " + why);
            this.why = why;
        }

        /** The reason alone, without the path. */
        public String why() {
            return why;
        }
    }

    /**
     * The bytes of {@code file}, refused (naming it) unless it is a regular file of at most {@code limit} bytes;
     * {@code what} names the format in the message ("a device-tree source").
     */
    public static byte[] read(Path file, long limit, String what) throws IOException {
        long size = regularSize(file);
        if (size > limit) {
            throw tooLarge(file, size, limit, what);
        }
        try (FileChannel ch = FileChannel.open(file)) {
            return readUpTo(file, ch, limit, what, size, true);
        }
    }

    /**
     * A device tree, DTB or DTS, as {@link Fdt#read} takes it: a blob is read up to its own totalsize (what dtc
     * reads of it), source up to {@link #DTS_LIMIT}.
     */
    public static byte[] readTree(Path file) throws IOException {
        long size = regularSize(file);
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            while (head.hasRemaining() && ch.read(head) > 0) {
                // fill the header
            }
            if (head.position() == 8 && head.getInt(0) == Fdt.MAGIC) {
                long total = Integer.toUnsignedLong(head.getInt(4));
                if (total > DTB_LIMIT) {
                    throw new RefusedException(file, "the blob's header says totalsize 0x%x, more than a device tree can be read (2 GiB)"
                            .formatted(total));
                }
                // Fewer bytes than totalsize: the blob reader names the truncation.
                ch.position(0);
                return readUpTo(file, ch, total, "a device-tree blob", Math.min(total, size), false);
            }
            if (size > DTS_LIMIT) {
                throw tooLarge(file, size, DTS_LIMIT, "a device-tree source");
            }
            ch.position(0);
            return readUpTo(file, ch, DTS_LIMIT, "a device-tree source", size, true);
        }
    }

    /**
     * The size of a regular file; anything else is refused by name, before it is opened.
     *
     * @throws java.nio.file.NoSuchFileException as {@link Files} throws it, for the caller's own wording
     */
    public static long regularSize(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (AccessDeniedException e) {
            throw new RefusedException(file, "permission denied");
        }
        if (a.isDirectory()) {
            throw new RefusedException(file, "is a directory, not a file");
        }
        if (!a.isRegularFile()) {
            throw new RefusedException(file, "not a regular file (a FIFO, socket or device): refused, its reading might never end");
        }
        return a.size();
    }

    /**
     * At most {@code limit} bytes from the channel's position; with {@code refuseMore}, a file with bytes past the
     * limit (one that grew since its size was taken) is refused rather than cut.
     */
    private static byte[] readUpTo(Path file, FileChannel ch, long limit, String what, long expected, boolean refuseMore)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(limit, Math.max(expected, 0)));
        while (true) {
            if (!buf.hasRemaining()) {
                if (buf.capacity() >= limit) {
                    if (refuseMore && ch.read(ByteBuffer.allocate(1)) > 0) {
                        throw tooLarge(file, ch.size(), limit, what);
                    }
                    break;
                }
                ByteBuffer grown = ByteBuffer.allocate((int) Math.min(limit, Math.max(4096, 2L * buf.capacity())));
                grown.put(buf.flip());
                buf = grown;
            }
            if (ch.read(buf) < 0) {
                break;
            }
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    private static RefusedException tooLarge(Path file, long size, long limit, String what) {
        return new RefusedException(file, "%s bytes is more than %s can be (%s)".formatted(size, what, human(limit)));
    }

    private static String human(long bytes) {
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
