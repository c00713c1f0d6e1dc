package org.domus.dom0less;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.domus.fdt.Fdt;

/** Module bytes built in the test, each exactly {@code size} long so that fixtures can give reg sizes. */
final class Payloads {
    private Payloads() {
    }

    /** An Arm64 Image: 64 header bytes with "ARM\x64" at 0x38, then zero padding. */
    static byte[] arm64Image(int size) {
        byte[] b = new byte[size];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0x10, 36L << 20).putInt(0x38, 0x644d5241);
        return b;
    }

    /** A bzImage header (boot protocol 2.15, 64-bit entry) and zero padding. */
    static byte[] bzImage(int size) {
        byte[] b = new byte[size];
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0x1f1, (byte) 3).putShort(0x1fe, (short) 0xaa55);
        h.put(0x202, "HdrS".getBytes(StandardCharsets.US_ASCII)).putShort(0x206, (short) 0x020f);
        h.put(0x211, (byte) 1).putShort(0x236, (short) 1);
        return b;
    }

    /** The start of a newc cpio archive, padded. */
    static byte[] cpio(int size) {
        byte[] b = new byte[size];
        System.arraycopy("070701".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 6);
        return b;
    }

    /** An ELF file with no Xen PVH note: not bootable as is. */
    static byte[] elf(int size) {
        byte[] b = new byte[size];
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        return b;
    }

    static byte[] noise(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 0x5a);
        return b;
    }

    /** An empty device tree, padded to {@code size}. */
    static byte[] dtb(int size) {
        try {
            byte[] blob = Fdt.fromDts("/dts-v1/; / { };", "empty.dts").toDtb();
            return Arrays.copyOf(blob, size);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] gzip(byte[] content) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
