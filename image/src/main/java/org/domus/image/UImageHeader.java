package org.domus.image;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * U-Boot's legacy image header (include/image.h, {@code struct legacy_img_hdr}): 64 bytes, big-endian,
 * magic 0x27051956, a CRC32 of the header (taken with its own field zeroed) and of the data, sizes,
 * load and entry addresses, and one-byte OS, architecture, type and compression codes, then a 32-byte
 * name. Both CRCs are checked, as {@code bootm} does; a mismatch is reported, not fatal to recognition.
 */
final class UImageHeader {
    static final long MAGIC = UImageCodes.MAGIC;
    private static final int HEADER_SIZE = UImageCodes.HEADER_SIZE;
    private static final int TYPE_KERNEL = UImageCodes.TYPE_KERNEL, TYPE_MULTI = UImageCodes.TYPE_MULTI,
            TYPE_SCRIPT = UImageCodes.TYPE_SCRIPT, TYPE_KERNEL_NOLOAD = UImageCodes.TYPE_KERNEL_NOLOAD;
    private static final int COMP_NONE = UImageCodes.COMP_NONE, COMP_GZIP = UImageCodes.COMP_GZIP;
    /** Sub-images of a multi-file image looked at; real ones hold a kernel, a ramdisk and perhaps a DTB. */
    private static final int MAX_PARTS = 64;

    private UImageHeader() {
    }

    static ImageInfo probe(ByteView b, ProbeRun run, int level) {
        if (!b.has(0, HEADER_SIZE)) {
            return new ImageInfo(ImageFormat.UIMAGE, null, null,
                    "uImage, header truncated (%d of %d bytes)".formatted(b.length(), HEADER_SIZE));
        }
        long size = b.u32be(12);
        int os = b.u8(28), arch = b.u8(29), type = b.u8(30), comp = b.u8(31);
        List<String> notes = new ArrayList<>();
        notes.add(UImageCodes.type(type));
        notes.add(os == 5 ? "Linux" : "OS " + os);
        notes.add(UImageCodes.arch(arch));
        notes.add(UImageCodes.compression(comp));
        notes.add("load " + Fmt.hex(b.u32be(16)));
        notes.add("entry " + Fmt.hex(b.u32be(20)));
        notes.add(crcs(b, size));
        long available = Math.min(size, b.length() - HEADER_SIZE);
        ByteView data = b.slice(HEADER_SIZE, available);
        String name = b.cString(32, 32);
        if (type == TYPE_SCRIPT) {
            // A script's data is a one-entry size list (the text's length, then 0) and the text.
            String length = data.has(0, 4) ? " of " + Fmt.size(data.u32be(0)) : "";
            return new ImageInfo(ImageFormat.UIMAGE, null, null, head(name, notes) + ", a U-Boot script" + length);
        }
        if (!run.mayOpen(level)) {
            return new ImageInfo(ImageFormat.UIMAGE, null, null, head(name, notes) + ", " + ProbeRun.TOO_DEEP);
        }
        if (type == TYPE_MULTI) {
            return multi(head(name, notes), data, comp, run, level);
        }
        ImageInfo content = run.content(data, level);
        String mismatch = mismatch(comp, arch, type, content);
        if (mismatch != null) {
            notes.add(mismatch);
        }
        return new ImageInfo(ImageFormat.UIMAGE, ProbeRun.leaf(content), content.arch(),
                head(name, notes) + " of " + content.detail());
    }

    private static String head(String name, List<String> notes) {
        return "uImage '%s' (%s)".formatted(name, String.join(", ", notes));
    }

    /** Header CRC (its field zeroed), data CRC over ih_size bytes, and whether the data is all there. */
    private static String crcs(ByteView b, long size) {
        CRC32 header = new CRC32();
        header.update(b.buffer(0, 4));
        header.update(new byte[4]);
        header.update(b.buffer(8, HEADER_SIZE - 8));
        List<String> bad = new ArrayList<>();
        if (header.getValue() != b.u32be(4)) {
            bad.add("header CRC mismatch (%s in header, %s computed)".formatted(Fmt.hex(b.u32be(4)), Fmt.hex(header.getValue())));
        }
        if (!b.has(HEADER_SIZE, size)) {
            bad.add("data truncated: %d of %d bytes".formatted(b.length() - HEADER_SIZE, size));
        } else {
            CRC32 data = new CRC32();
            data.update(b.buffer(HEADER_SIZE, size));
            if (data.getValue() != b.u32be(24)) {
                bad.add("data CRC mismatch (%s in header, %s computed)".formatted(Fmt.hex(b.u32be(24)), Fmt.hex(data.getValue())));
            }
            if (b.length() - HEADER_SIZE > size) {
                bad.add("%d bytes after the data".formatted(b.length() - HEADER_SIZE - size));
            }
        }
        return bad.isEmpty() ? "CRCs ok" : String.join(", ", bad);
    }

    /**
     * What a kernel's header claims against what its payload is: the compression (Xen and U-Boot
     * decompress a kernel only when the header says so; a ramdisk is left for Linux to decompress, so
     * "none" around a gzip'd initramfs is normal) and the architecture.
     */
    private static String mismatch(int comp, int arch, int type, ImageInfo content) {
        if (type != TYPE_KERNEL && type != TYPE_KERNEL_NOLOAD) {
            return null;
        }
        boolean gzipped = content.format() == ImageFormat.GZIP;
        if (comp == COMP_NONE && gzipped) {
            return "header says no compression but the kernel is gzip'd";
        }
        if (comp == COMP_GZIP && !gzipped) {
            return "header says gzip but the data is not";
        }
        Arch claimed = arch == 22 ? Arch.ARM64 : arch == 24 || arch == 3 ? Arch.X86_64 : null;
        if (content.arch() != null && claimed != content.arch()) {
            return "header says %s but the kernel is %s".formatted(UImageCodes.arch(arch), content.arch());
        }
        return null;
    }

    /**
     * A multi-file image: a list of big-endian u32 sizes ended by 0, then each part padded to 4 bytes
     * (image.h). The first part is the kernel, so it gives inner and arch.
     */
    private static ImageInfo multi(String head, ByteView data, int comp, ProbeRun run, int level) {
        List<Long> sizes = new ArrayList<>();
        long at = 0;
        while (data.has(at, 4) && data.u32be(at) != 0 && sizes.size() < MAX_PARTS) {
            sizes.add(data.u32be(at));
            at += 4;
        }
        long first = at + 4;
        if (sizes.isEmpty() || !data.has(at, 4) || comp != COMP_NONE) {
            String why = comp != COMP_NONE ? "compressed multi-file image: parts not looked into"
                    : sizes.isEmpty() ? "no parts" : "list of part sizes truncated or longer than " + MAX_PARTS;
            return new ImageInfo(ImageFormat.UIMAGE, null, null, head + ", " + why);
        }
        String list = sizes.stream().map(Fmt::size).reduce((x, y) -> x + ", " + y).orElse("");
        String parts = ", %d parts (%s)".formatted(sizes.size(), list);
        if (!data.has(first, sizes.get(0))) {
            return new ImageInfo(ImageFormat.UIMAGE, null, null, head + parts + ", first part truncated");
        }
        ImageInfo content = run.content(data.slice(first, sizes.get(0)), level);
        return new ImageInfo(ImageFormat.UIMAGE, ProbeRun.leaf(content), content.arch(),
                head + parts + ", first " + content.detail());
    }
}
