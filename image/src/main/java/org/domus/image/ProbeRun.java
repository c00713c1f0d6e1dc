package org.domus.image;

/**
 * One probe of one module: recognises a format by its magic and hands the bytes to that format's header
 * reader. Containers call back into {@link #content} for what they hold, which bounds the nesting, and
 * draw on one decompression budget shared by the whole run (a gzip of gzips cannot multiply it).
 */
final class ProbeRun {
    /** Levels looked at, the module itself being level 1: enough for a uImage of a gzip of a kernel. */
    static final int MAX_LEVELS = 3;
    static final String TOO_DEEP = "not looked into: nested more than " + MAX_LEVELS + " levels";

    private long inflateBudget;

    ProbeRun(long maxInflated) {
        this.inflateBudget = maxInflated;
    }

    /** What the bytes at nesting {@code level} are. */
    ImageInfo probe(ByteView b, int level) {
        if (b.length() == 0) {
            return new ImageInfo(ImageFormat.UNKNOWN, null, null, "empty");
        }
        if (b.startsWith(0, 0x1f, 0x8b)) {
            return GzipStream.probe(b, this, level);
        }
        if (b.has(0, 4) && b.u32be(0) == UImageHeader.MAGIC) {
            return UImageHeader.probe(b, this, level);
        }
        if (b.has(0, 4) && b.u32be(0) == 0xd00dfeedL) {
            return dtb(b);
        }
        if (b.startsWith(0, 0x7f, 'E', 'L', 'F')) {
            return ElfNotes.probe(b);
        }
        if (CpioArchive.matches(b)) {
            return CpioArchive.probe(b, this, level);
        }
        // Both kernels may start with "MZ" (an EFI stub), so only their own signatures tell them apart.
        if (X86SetupHeader.matches(b)) {
            return X86SetupHeader.probe(b, this, level);
        }
        if (ArmImageHeader.matches(b)) {
            return ArmImageHeader.probe(b);
        }
        return unknown(b);
    }

    /** The content of a container at {@code level}, or null when it would be nested too deep. */
    ImageInfo content(ByteView b, int level) {
        return mayOpen(level) ? probe(b, level + 1) : null;
    }

    /** Whether a container at {@code level} may look inside (checked before decompressing anything). */
    boolean mayOpen(int level) {
        return level < MAX_LEVELS;
    }

    long inflateBudget() {
        return inflateBudget;
    }

    void spend(long bytes) {
        inflateBudget = Math.max(0, inflateBudget - bytes);
    }

    /** The innermost format of a probed content: what a container is "of". */
    static ImageFormat leaf(ImageInfo content) {
        if (content == null) {
            return null;
        }
        return content.inner() != null ? content.inner() : content.format();
    }

    /** A DTB: a domain's partial device tree or a passthrough blob. Its header says how long it is. */
    private static ImageInfo dtb(ByteView b) {
        if (!b.has(0, 8)) {
            return new ImageInfo(ImageFormat.DTB, null, null, "DTB, header truncated (%d bytes)".formatted(b.length()));
        }
        long total = b.u32be(4);
        String version = b.has(0x14, 4) ? ", version " + b.u32be(0x14) : "";
        String fit = total == b.length() ? "totalsize %d = file size".formatted(total)
                : total > b.length() ? "truncated: totalsize %d but only %d bytes".formatted(total, b.length())
                : "totalsize %d, then %d more bytes".formatted(total, b.length() - total);
        return new ImageInfo(ImageFormat.DTB, null, null, "DTB" + version + ", " + fit);
    }

    /** Anything else: name a compression or executable format when its magic is known, and show the first bytes. */
    private static ImageInfo unknown(ByteView b) {
        String known = Compression.name(b);
        String what = known != null ? known + " data (not decompressed by Domus)"
                : b.startsWith(0, "MZ") ? "PE/COFF executable (no Linux boot header)"
                : "unknown";
        return new ImageInfo(ImageFormat.UNKNOWN, null, null, what + ", starts " + b.hexPrefix(16));
    }
}
