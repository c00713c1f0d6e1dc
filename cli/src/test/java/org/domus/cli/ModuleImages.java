package org.domus.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * Boot-module images of an exact size for test systems, built the way their formats are specified
 * (Linux's arm64 booting.rst and x86 boot.rst headers, newc cpio, RFC 1952 gzip with stored blocks so that
 * the size is known in advance, U-Boot's legacy image header), never committed as binaries.
 */
final class ModuleImages {
    private ModuleImages() {
    }

    /** {@code kind} as written in a fixture's {@code // domus-test: module ADDR KIND SIZE} line. */
    static byte[] make(String kind, int size) {
        return switch (kind) {
            case "arm64-image" -> arm64Image(size);
            case "bzimage" -> bzImage(size);
            case "cpio" -> cpio(size);
            case "zeros" -> new byte[size];
            case "dtb" -> dtb(size);
            case "gzip-arm64-image" -> gzipStored(arm64Image(size));
            case "gzip-cpio" -> gzipStored(cpio(size));
            case "uimage-arm64-image" -> uImage(arm64Image(size));
            default -> throw new IllegalArgumentException("unknown module kind " + kind);
        };
    }

    /** The 64-byte arm64 Image header: text_offset 0, image_size, flags (LE, 4 KiB pages), "ARM\x64" at 0x38. */
    static byte[] arm64Image(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x91005a4d);           // code0: "MZ" + add, as EFI-stub kernels start
        b.putInt(4, 0x14000000 | 16);      // code1: branch past the header
        b.putLong(8, 0);                   // text_offset
        b.putLong(16, size);               // image_size
        b.putLong(24, 0b1010);             // flags: little-endian, 4K pages, placement anywhere
        b.putInt(0x38, 0x644d5241);        // "ARM\x64"
        return b.array();
    }

    /** A 64-bit capable bzImage setup header (boot protocol 2.15) and zero payload. */
    static byte[] bzImage(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 1);                                   // setup_sects
        b.putShort(0x1fe, (short) 0xaa55);                        // boot_flag
        b.put(0x202, "HdrS".getBytes(StandardCharsets.US_ASCII)); // header magic
        b.putShort(0x206, (short) 0x020f);                        // protocol version
        b.put(0x211, (byte) 0x01);                                // loadflags: LOADED_HIGH
        b.putShort(0x236, (short) 0x0003);                        // xloadflags: KERNEL_64 | CAN_BE_LOADED_ABOVE_4G
        return b.array();
    }

    /** A newc cpio holding only its trailer, zero-padded to {@code size}. */
    static byte[] cpio(int size) {
        String name = "TRAILER!!!";
        StringBuilder h = new StringBuilder("070701");
        for (int field = 0; field < 13; field++) {
            h.append(String.format("%08x", field == 4 ? 1 : field == 11 ? name.length() + 1 : 0));
        }
        h.append(name).append('\0');
        byte[] out = new byte[size];
        byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, out, 0, Math.min(head.length, size));
        return out;
    }

    /** A tiny partial device tree, zero-padded to {@code size}. */
    static byte[] dtb(int size) {
        Node passthrough = new Node("passthrough", List.of(Property.ofString("compatible", "simple-bus")), List.of());
        byte[] blob = new Fdt(List.of(), 0, new Node("", List.of(), List.of(passthrough))).toDtb();
        byte[] out = new byte[Math.max(size, blob.length)];
        System.arraycopy(blob, 0, out, 0, blob.length);
        return out;
    }

    /** RFC 1952 with stored deflate blocks: 18 + n + 5 * ceil(n / 65535) bytes for n bytes of content. */
    static byte[] gzipStored(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        int at = 0;
        do {
            int n = Math.min(65535, content.length - at);
            out.write(at + n == content.length ? 1 : 0);  // BFINAL, BTYPE 00 (stored)
            out.write(n & 0xff);
            out.write(n >>> 8);
            out.write(~n & 0xff);
            out.write((~n >>> 8) & 0xff);
            out.write(content, at, n);
            at += n;
        } while (at < content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt(content.length);
        out.writeBytes(trailer.array());
        return out.toByteArray();
    }

    /** U-Boot legacy image: arm64 Linux kernel, no compression, both CRCs right. */
    static byte[] uImage(byte[] payload) {
        ByteBuffer h = ByteBuffer.allocate(64 + payload.length);
        CRC32 dcrc = new CRC32();
        dcrc.update(payload);
        h.putInt(0, 0x27051956).putInt(8, 0).putInt(12, payload.length).putInt(16, 0x80000).putInt(20, 0x80000)
                .putInt(24, (int) dcrc.getValue());
        h.put(28, (byte) 5).put(29, (byte) 22).put(30, (byte) 2).put(31, (byte) 0); // linux, arm64, kernel, none
        h.put(32, "domus-test".getBytes(StandardCharsets.US_ASCII));
        CRC32 hcrc = new CRC32();
        hcrc.update(h.array(), 0, 64);
        h.putInt(4, (int) hcrc.getValue());
        h.put(64, payload);
        return h.array();
    }
}
