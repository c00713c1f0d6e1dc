package org.domus.image;

/**
 * A cpio archive, as an initramfs is. Linux unpacks only the "newc" and "crc" formats (init/initramfs.c):
 * a 110-byte ASCII header of thirteen 8-digit hex fields, the name, the data, each padded to 4 bytes, up
 * to the entry "TRAILER!!!". After a trailer Linux skips zero padding and unpacks whatever follows, which
 * is how Debian puts an uncompressed microcode archive before the compressed main one; that rest is
 * probed too. The old binary and the portable ASCII ("odc") formats are recognised but named as not
 * accepted by Linux.
 */
final class CpioArchive {
    private static final int NEWC_HEADER = 110;
    private static final int FIELD_FILESIZE = 6;
    private static final int FIELD_NAMESIZE = 11;
    private static final String TRAILER = "TRAILER!!!";
    private static final int OLD_BINARY_MAGIC = 0x71c7;  // octal 070707, in the writer's byte order

    private CpioArchive() {
    }

    static boolean matches(ByteView b) {
        return b.startsWith(0, "070701") || b.startsWith(0, "070702") || b.startsWith(0, "070707")
                || b.has(0, 2) && (b.u16le(0) == OLD_BINARY_MAGIC || b.u16be(0) == OLD_BINARY_MAGIC);
    }

    static ImageInfo probe(ByteView b, ProbeRun run, int level) {
        if (b.startsWith(0, "070707")) {
            return cpio("cpio (portable ASCII \"odc\" format): Linux initramfs reads only newc");
        }
        if (!b.startsWith(0, "070701") && !b.startsWith(0, "070702")) {
            String order = b.u16le(0) == OLD_BINARY_MAGIC ? "little-endian" : "big-endian";
            return cpio("cpio (old binary format, %s): Linux initramfs reads only newc".formatted(order));
        }
        String kind = b.startsWith(0, "070702") ? "cpio crc" : "cpio newc";
        long at = 0;
        int entries = 0;
        while (true) {
            if (!b.has(at, NEWC_HEADER) || !(b.startsWith(at, "070701") || b.startsWith(at, "070702"))) {
                String why = at >= b.length() ? "no trailer: the archive ends at offset "
                        : !b.has(at, NEWC_HEADER) ? "truncated inside the header at offset "
                        : "no trailer: no cpio header at offset ";
                return cpio("%s, %d entries, %s%s".formatted(kind, entries, why, Fmt.hex(at)));
            }
            long nameSize = field(b, at, FIELD_NAMESIZE);
            long fileSize = field(b, at, FIELD_FILESIZE);
            long name = at + NEWC_HEADER;
            long data = roundUp4(name + nameSize);
            if (nameSize < 0 || fileSize < 0 || !b.has(name, nameSize) || !b.has(data, fileSize)) {
                return cpio("%s, %d entries, truncated or corrupt entry at offset %s".formatted(kind, entries, Fmt.hex(at)));
            }
            at = roundUp4(data + fileSize);
            if (nameSize == TRAILER.length() + 1 && b.startsWith(name, TRAILER)) {
                break;
            }
            entries++;
        }
        return cpio("%s, %d entries%s".formatted(kind, entries, rest(b, at, run, level)));
    }

    /** What follows the trailer, past any zero padding, or "" when nothing does. */
    private static String rest(ByteView b, long at, ProbeRun run, int level) {
        while (b.has(at, 1) && b.u8(at) == 0) {
            at++;
        }
        if (!b.has(at, 1)) {
            return "";
        }
        ImageInfo next = run.content(b.from(at), level);
        return ", then at %s %s".formatted(Fmt.hex(at), next != null ? next.detail() : "more data, " + ProbeRun.TOO_DEEP);
    }

    /** One 8-digit hex header field, or -1 when it is not hex. */
    private static long field(ByteView b, long header, int index) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            int d = Character.digit(b.u8(header + 6 + index * 8L + i), 16);
            if (d < 0) {
                return -1;
            }
            value = value << 4 | d;
        }
        return value;
    }

    private static long roundUp4(long value) {
        return (value + 3) & ~3L;
    }

    private static ImageInfo cpio(String detail) {
        return new ImageInfo(ImageFormat.CPIO, null, null, detail);
    }
}
