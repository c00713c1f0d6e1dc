package org.domus.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The x86 Linux real-mode header (Documentation/arch/x86/boot.rst), little-endian, at 0x1f1: the boot
 * flag 0xAA55 at 0x1fe and "HdrS" at 0x202 mark it; each later field exists from the protocol version
 * noted beside it, so it is read only when both the version and the file length allow.
 */
final class X86SetupHeader {
    private static final int SETUP_SECTS = 0x1f1;
    private static final int BOOT_FLAG = 0x1fe;
    private static final int HEADER = 0x202;
    private static final int VERSION = 0x206;
    private static final int KERNEL_VERSION = 0x20e;
    private static final int LOADFLAGS = 0x211;
    private static final int XLOADFLAGS = 0x236;      // 2.12+
    private static final int PAYLOAD_OFFSET = 0x248;  // 2.08+
    private static final int PAYLOAD_LENGTH = 0x24c;  // 2.08+
    private static final long HDRS = 0x53726448L;
    private static final int LOADED_HIGH = 1;
    private static final int XLF_KERNEL_64 = 1;
    private static final int XLF_CAN_BE_LOADED_ABOVE_4G = 2;
    /** Longest kernel version string kept: Debian's, with builder and date, is about 110 characters. */
    private static final int VERSION_MAX = 160;

    private X86SetupHeader() {
    }

    static boolean matches(ByteView b) {
        return b.has(BOOT_FLAG, 8) && b.u16le(BOOT_FLAG) == 0xaa55 && b.u32le(HEADER) == HDRS;
    }

    static ImageInfo probe(ByteView b, ProbeRun run, int level) {
        if (!b.has(VERSION, 2)) {
            return new ImageInfo(ImageFormat.BZIMAGE, null, null, "bzImage, header truncated (%d bytes)".formatted(b.length()));
        }
        int version = b.u16le(VERSION);
        int setupSects = b.u8(SETUP_SECTS) == 0 ? 4 : b.u8(SETUP_SECTS);  // 0 means 4, for old kernels
        List<String> parts = new ArrayList<>();
        parts.add("bzImage, boot protocol %d.%02d".formatted(version >> 8, version & 0xff));
        String linux = kernelVersion(b);
        if (linux != null) {
            parts.add("Linux " + linux);
        }
        parts.add("setup_sects " + setupSects);
        if (!b.has(LOADFLAGS, 1)) {
            parts.add("header truncated at " + Fmt.hex(b.length()));
            return new ImageInfo(ImageFormat.BZIMAGE, null, null, String.join(", ", parts));
        }
        int loadflags = b.u8(LOADFLAGS);
        parts.add("loadflags %s%s".formatted(Fmt.hex(loadflags),
                (loadflags & LOADED_HIGH) != 0 ? " (loaded high)" : " (a zImage, loaded low: too old to boot)"));
        Arch arch = null;
        if (version < 0x020c) {
            parts.add("no xloadflags before protocol 2.12, so no 64-bit entry");
        } else if (!b.has(XLOADFLAGS, 2)) {
            parts.add("header truncated before xloadflags");
        } else {
            int x = b.u16le(XLOADFLAGS);
            boolean entry64 = (x & XLF_KERNEL_64) != 0;
            parts.add("xloadflags %s (%s%s)".formatted(Fmt.hex(x), entry64 ? "64-bit entry" : "no 64-bit entry: not a 64-bit kernel",
                    (x & XLF_CAN_BE_LOADED_ABOVE_4G) != 0 ? ", loads above 4G" : ""));
            arch = entry64 && (loadflags & LOADED_HIGH) != 0 ? Arch.X86_64 : null;
        }
        if (version >= 0x0208 && b.has(PAYLOAD_LENGTH, 4)) {
            parts.add(payload(b, setupSects, run, level));
        }
        return new ImageInfo(ImageFormat.BZIMAGE, null, arch, String.join(", ", parts));
    }

    /** The version string: a pointer at 0x20e, "less 0x200", to a NUL-terminated string in the setup code. */
    private static String kernelVersion(ByteView b) {
        if (!b.has(KERNEL_VERSION, 2) || b.u16le(KERNEL_VERSION) == 0) {
            return null;
        }
        long at = b.u16le(KERNEL_VERSION) + 0x200L;
        String s = b.has(at, 1) ? b.cString(at, VERSION_MAX) : "";
        return s.isBlank() ? null : s;
    }

    /**
     * The compressed kernel (protocol 2.08+), at payload_offset from the protected-mode code, which starts
     * after the boot sector and setup_sects sectors. The uncompressed payload is the vmlinux ELF, so a gzip
     * payload is opened to show whether that ELF carries a Xen PVH entry.
     */
    private static String payload(ByteView b, int setupSects, ProbeRun run, int level) {
        long offset = (setupSects + 1L) * 512 + b.u32le(PAYLOAD_OFFSET);
        long length = b.u32le(PAYLOAD_LENGTH);
        if (b.u32le(PAYLOAD_OFFSET) == 0 || length == 0) {
            return "no payload recorded";
        }
        if (!b.has(offset, length)) {
            return "payload of %s at %s runs past the end of the file (%s)".formatted(Fmt.size(length), Fmt.hex(offset), Fmt.size(b.length()));
        }
        ByteView data = b.slice(offset, length);
        String compression = Compression.name(data);
        if (!"gzip".equals(compression)) {
            return "payload " + (compression != null ? compression : "of unknown format, starts " + data.hexPrefix(8));
        }
        ImageInfo content = run.content(data, level);
        return "payload " + (content != null ? content.detail() : "gzip, " + ProbeRun.TOO_DEEP);
    }
}
