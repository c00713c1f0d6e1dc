package org.domus.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * A writer of "newc" cpio archives (magic 070701), the format Linux unpacks as an initramfs. Every header field
 * is eight hex digits; the header plus the NUL-terminated name, and then the data, are each padded with zeros
 * to a multiple of four bytes; the archive ends with an entry named {@code TRAILER!!!}.
 * <p>
 * Output is a pure function of the calls made: owner root, mtime 0, inode numbers counted from 1 in the order
 * entries are added. Names are relative ({@code bin/busybox}); a parent directory must be added before what it
 * holds, because the kernel's unpacker creates no missing directories and silently drops such an entry.
 */
public final class Cpio {
    private static final int S_IFCHR = 0020000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int PERMISSION_BITS = 07777;
    static final String TRAILER = "TRAILER!!!";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Set<String> names = new HashSet<>();
    private final Set<String> directories = new HashSet<>();
    private int nextInode = 1;
    private boolean finished;

    /** An empty archive; add entries parents first, then {@link #finish()}. */
    public Cpio() {
    }

    public Cpio directory(String name, int permissions) {
        entry(name, S_IFDIR | permissions(permissions), 2, 0, 0, new byte[0]);
        directories.add(name);
        return this;
    }

    public Cpio file(String name, int permissions, byte[] data) {
        entry(name, S_IFREG | permissions(permissions), 1, 0, 0, data);
        return this;
    }

    /** A symbolic link; as in tar and cpio, its target is stored as the entry's data. */
    public Cpio symlink(String name, String target) {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("cpio symlink " + name + ": bad target '" + target + "'");
        }
        entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A character device node such as {@code dev/console} (5, 1), which the kernel opens before devtmpfs exists. */
    public Cpio charDevice(String name, int permissions, int major, int minor) {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("cpio device " + name + ": negative major or minor");
        }
        entry(name, S_IFCHR | permissions(permissions), 1, major, minor, new byte[0]);
        return this;
    }

    /** Appends the trailer and returns the archive; the writer takes no more entries. */
    public byte[] finish() {
        if (!finished) {
            header(0, 0, 1, 0, 0, 0, TRAILER);
            finished = true;
        }
        return out.toByteArray();
    }

    private void entry(String name, int mode, int links, int rdevMajor, int rdevMinor, byte[] data) {
        if (finished) {
            throw new IllegalStateException("cpio archive already finished");
        }
        checkName(name);
        header(nextInode++, mode, links, data.length, rdevMajor, rdevMinor, name);
        out.writeBytes(data);
        pad();
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.endsWith("/") || name.indexOf('\0') >= 0 || name.equals(TRAILER)) {
            throw new IllegalArgumentException("cpio entry '" + name + "': names are relative, non-empty, without NUL");
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("cpio entry '" + name + "': empty, '.' or '..' path component");
            }
        }
        int slash = name.lastIndexOf('/');
        if (slash > 0 && !directories.contains(name.substring(0, slash))) {
            throw new IllegalArgumentException("cpio entry '" + name + "': directory " + name.substring(0, slash) + " not added before it");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("cpio entry '" + name + "' added twice");
        }
    }

    private static int permissions(int permissions) {
        if ((permissions & ~PERMISSION_BITS) != 0) {
            throw new IllegalArgumentException("cpio permissions %o: only the bits 07777 are permissions".formatted(permissions));
        }
        return permissions;
    }

    private void header(int inode, int mode, int links, int size, int rdevMajor, int rdevMinor, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
        String fields = "070701" + hex(inode) + hex(mode) + hex(0) + hex(0) + hex(links) + hex(0) + hex(size)
                + hex(0) + hex(0) + hex(rdevMajor) + hex(rdevMinor) + hex(nameBytes.length + 1) + hex(0);
        out.writeBytes(fields.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        out.write(0);
        pad();
    }

    private static String hex(int value) {
        return "%08X".formatted(value);
    }

    /** Every header and every data block starts on a four-byte boundary of the archive. */
    private void pad() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
