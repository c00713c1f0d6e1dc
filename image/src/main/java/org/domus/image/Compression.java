package org.domus.image;

/**
 * Compression formats by magic number, as Linux names them for a bzImage payload (boot.rst) and an
 * initramfs. Only gzip is decompressed here, as Xen does for Arm kernels; the others are named so that a
 * message can say what a module is rather than "unknown".
 */
final class Compression {
    private Compression() {
    }

    /** The compression of the data at the start of {@code b}, or null when none is recognised. */
    static String name(ByteView b) {
        if (b.startsWith(0, 0x1f, 0x8b) || b.startsWith(0, 0x1f, 0x9e)) {
            return "gzip";
        }
        if (b.startsWith(0, 0xfd, '7', 'z', 'X', 'Z', 0)) {
            return "xz";
        }
        if (b.startsWith(0, 0x28, 0xb5, 0x2f, 0xfd)) {
            return "zstd";
        }
        if (b.startsWith(0, "BZh")) {
            return "bzip2";
        }
        if (b.startsWith(0, 0x02, 0x21, 0x4c, 0x18) || b.startsWith(0, 0x04, 0x22, 0x4d, 0x18)) {
            return "lz4";
        }
        if (b.startsWith(0, 0x89, 'L', 'Z', 'O')) {
            return "lzo";
        }
        // The legacy .lzma header: properties byte 0x5d, then a little-endian dictionary size.
        if (b.startsWith(0, 0x5d, 0x00, 0x00)) {
            return "lzma";
        }
        return null;
    }
}
