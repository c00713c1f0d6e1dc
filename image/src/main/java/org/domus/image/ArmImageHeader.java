package org.domus.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The Arm64 Linux {@code Image} header (Documentation/arch/arm64/booting.rst): 64 bytes, little-endian,
 * {@code text_offset} at 0x08, {@code image_size} at 0x10, {@code flags} at 0x18 and "ARM\x64" at 0x38.
 * An Arm32 {@code zImage} (magic 0x016f2818 at 0x24) is recognised only to say it is not supported: no
 * engine runs 32-bit Arm guests.
 */
final class ArmImageHeader {
    private static final long ARM64_MAGIC = 0x644d5241L;
    private static final long ZIMAGE_MAGIC = 0x016f2818L;
    /** Before v3.17 image_size was 0 and text_offset was 0x80000 in the kernel's endianness (booting.rst). */
    private static final long LEGACY_TEXT_OFFSET = 0x80000;

    private ArmImageHeader() {
    }

    static boolean matches(ByteView b) {
        return isArm64(b) || isZImage(b);
    }

    static ImageInfo probe(ByteView b) {
        if (!isArm64(b)) {
            return new ImageInfo(ImageFormat.UNKNOWN, null, null, "Arm32 zImage: not supported (no engine runs 32-bit Arm)");
        }
        // The magic sits at 0x38, so text_offset, image_size and flags (0x08..0x20) are always present.
        long textOffset = b.u64le(0x08);
        long imageSize = b.u64le(0x10);
        long flags = b.u64le(0x18);
        List<String> parts = new ArrayList<>();
        parts.add("Arm64 Image");
        if (imageSize == 0) {
            parts.add("image_size 0 (pre-3.17 header: text_offset %s assumed)".formatted(Fmt.hex(LEGACY_TEXT_OFFSET)));
        } else {
            parts.add("text_offset " + Fmt.hex(textOffset));
            parts.add("image_size " + Fmt.size(imageSize));
            parts.add(switch ((int) (flags >>> 1 & 3)) {
                case 1 -> "4K pages";
                case 2 -> "16K pages";
                case 3 -> "64K pages";
                default -> "page size unspecified";
            });
            parts.add((flags & 1) != 0 ? "big-endian" : "little-endian");
            parts.add((flags & 8) != 0 ? "placed anywhere" : "placed near the start of RAM");
        }
        // res5 (0x3c) is the PE header offset when the kernel has an EFI stub, whose image then starts "MZ".
        if (b.startsWith(0, "MZ")) {
            parts.add("EFI stub");
        }
        return new ImageInfo(ImageFormat.ARM64_IMAGE, null, Arch.ARM64, String.join(", ", parts));
    }

    private static boolean isArm64(ByteView b) {
        return b.has(0x38, 4) && b.u32le(0x38) == ARM64_MAGIC;
    }

    /** The zImage magic is stored in the kernel's byte order, so a big-endian zImage shows it swapped. */
    private static boolean isZImage(ByteView b) {
        return b.has(0x24, 4) && (b.u32le(0x24) == ZIMAGE_MAGIC || b.u32be(0x24) == ZIMAGE_MAGIC);
    }
}
