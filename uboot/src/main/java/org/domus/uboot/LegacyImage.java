package org.domus.uboot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

import org.domus.image.UImageCodes;

/**
 * A legacy U-Boot image ({@code mkimage -A … -T kernel|ramdisk|script|multi -C none|gzip}) in board memory,
 * checked as {@code bootm} checks it: magic, header CRC, the data all there, data CRC. A multi-file image lists its
 * parts' sizes after the header (a 0 ends the list), then the parts, each padded to 4 bytes.
 *
 * @param address where the header is
 * @param loaded  what was loaded there, for messages ("tftpb xen.ub at 0x1400000..0x1440040")
 */
record LegacyImage(long address, String loaded, String name, int os, int arch, int type, int compression,
                   long loadAddress, long entry, long dataSize, List<Part> parts) {
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** One image of a multi-file image (or the whole data of a single one): where its bytes are in memory. */
    record Part(long address, long size) {
    }

    long dataAddress() {
        return address + UImageCodes.HEADER_SIZE;
    }

    /** "uImage 'Xen 4.17' (kernel, arm64, none)". */
    String summary() {
        return "uImage '%s' (%s, %s, %s compression)".formatted(name, UImageCodes.type(type), UImageCodes.arch(arch),
                UImageCodes.compression(compression));
    }

    /** Whether the bytes at {@code address} start with the legacy magic. */
    static boolean at(BoardMemory memory, long address) {
        try {
            return !memory.unwritten(address, 4)
                    && Integer.toUnsignedLong(memory.read(address, 4).get(BE32, 0)) == UImageCodes.MAGIC;
        } catch (MemoryException e) {
            return false;
        }
    }

    /**
     * Reads and checks the image at {@code address}.
     *
     * @throws CommandError with U-Boot's own words for the failure in parentheses ("Bad Data CRC")
     */
    static LegacyImage read(BoardMemory memory, long address) throws CommandError {
        BoardMemory.Load load = memory.loadAt(address).orElseThrow(() ->
                new CommandError("nothing was loaded at %s".formatted(Hex.of(address))));
        String loaded = load.toString();
        long available = load.end() - address;
        MemorySegment header = read(memory, address, Math.min(available, UImageCodes.HEADER_SIZE));
        if (header.byteSize() >= 4 && Integer.toUnsignedLong(header.get(BE32, 0)) != UImageCodes.MAGIC) {
            throw new CommandError("not a legacy uImage: magic 0x%08x at %s, not 0x%08x (%s; U-Boot: \"Bad Magic Number\")"
                    .formatted(header.get(BE32, 0), Hex.of(address), UImageCodes.MAGIC, loaded));
        }
        if (header.byteSize() < UImageCodes.HEADER_SIZE) {
            throw new CommandError("truncated uImage: only %d of the %d header bytes were loaded (%s)"
                    .formatted(header.byteSize(), UImageCodes.HEADER_SIZE, loaded));
        }
        CRC32 crc = new CRC32();
        byte[] h = header.toArray(ValueLayout.JAVA_BYTE);
        crc.update(h, 0, 4);
        crc.update(new byte[4]);
        crc.update(h, 8, UImageCodes.HEADER_SIZE - 8);
        long headerCrc = u32(header, 4);
        if (crc.getValue() != headerCrc) {
            throw new CommandError("uImage header CRC mismatch: 0x%08x in the header, 0x%08x computed (%s; U-Boot: \"Bad Header Checksum\")"
                    .formatted(headerCrc, crc.getValue(), loaded));
        }
        long size = u32(header, 12);
        String name = cString(h, 32, UImageCodes.NAME_SIZE);
        long haveData = available - UImageCodes.HEADER_SIZE;
        if (size > haveData) {
            throw new CommandError("truncated uImage '%s': the header says 0x%x bytes of data, but only 0x%x follow it (%s)"
                    .formatted(name, size, haveData, loaded));
        }
        long dataCrc = u32(header, 24);
        MemorySegment data = read(memory, address + UImageCodes.HEADER_SIZE, size);
        CRC32 dcrc = new CRC32();
        dcrc.update(data.asByteBuffer());
        if (dcrc.getValue() != dataCrc) {
            throw new CommandError("uImage '%s' data CRC mismatch: 0x%08x in the header, 0x%08x computed over 0x%x bytes (%s; U-Boot: \"Bad Data CRC\")"
                    .formatted(name, dataCrc, dcrc.getValue(), size, loaded));
        }
        int type = Byte.toUnsignedInt(h[30]);
        List<Part> parts = type == UImageCodes.TYPE_MULTI || type == UImageCodes.TYPE_SCRIPT
                ? parts(data, address + UImageCodes.HEADER_SIZE, name, type)
                : List.of(new Part(address + UImageCodes.HEADER_SIZE, size));
        return new LegacyImage(address, loaded, name, Byte.toUnsignedInt(h[28]), Byte.toUnsignedInt(h[29]), type,
                Byte.toUnsignedInt(h[31]), u32(header, 16), u32(header, 20), size, List.copyOf(parts));
    }

    /** The size list and the parts after it; a script image is a one-part list too (its text's length, then 0). */
    private static List<Part> parts(MemorySegment data, long dataAddress, String name, int type) throws CommandError {
        List<Long> sizes = new ArrayList<>();
        long at = 0;
        while (true) {
            if (at + 4 > data.byteSize()) {
                throw new CommandError("uImage '%s' (%s): its list of part sizes runs past the data".formatted(name, UImageCodes.type(type)));
            }
            long n = u32(data, at);
            at += 4;
            if (n == 0) {
                break;
            }
            sizes.add(n);
        }
        if (sizes.isEmpty()) {
            // U-Boot's source command reads the first length and stops on a 0; bootm finds no kernel in the image.
            throw new CommandError(type == UImageCodes.TYPE_SCRIPT
                    ? "uImage '%s' (script): its first part has length 0 (U-Boot: \"Empty Script\")".formatted(name)
                    : "uImage '%s' (%s): its list of parts is empty (its first length is 0), so it holds no image"
                            .formatted(name, UImageCodes.type(type)));
        }
        List<Part> parts = new ArrayList<>();
        for (long n : sizes) {
            if (at + n > data.byteSize()) {
                throw new CommandError("uImage '%s' (%s): part %d of 0x%x bytes runs past the data".formatted(name,
                        UImageCodes.type(type), parts.size(), n));
            }
            parts.add(new Part(dataAddress + at, n));
            at += (n + 3) & ~3L;
        }
        return parts;
    }

    /** The bytes of a part, decompressed when the header says gzip (other compressions are refused by name). */
    byte[] contents(BoardMemory memory, Part part, long limit) throws CommandError {
        MemorySegment bytes = read(memory, part.address, part.size);
        return switch (compression) {
            case UImageCodes.COMP_NONE -> bytes.toArray(ValueLayout.JAVA_BYTE);
            case UImageCodes.COMP_GZIP -> gunzip(bytes, limit);
            default -> throw new CommandError("uImage '%s' is %s-compressed, which Domus does not decompress (only gzip)"
                    .formatted(name, UImageCodes.compression(compression)));
        };
    }

    private byte[] gunzip(MemorySegment bytes, long limit) throws CommandError {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes.toArray(ValueLayout.JAVA_BYTE)))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 << 10];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    throw new CommandError("uImage '%s' decompresses to more than 0x%x bytes".formatted(name, limit));
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new CommandError("uImage '%s' says gzip but its data does not decompress: %s (U-Boot: \"GUNZIP: uncompress error\")"
                    .formatted(name, e.getMessage()));
        }
    }

    private static MemorySegment read(BoardMemory memory, long address, long size) throws CommandError {
        try {
            return memory.read(address, size);
        } catch (MemoryException e) {
            throw new CommandError(e.getMessage());
        }
    }

    private static long u32(MemorySegment s, long offset) {
        return Integer.toUnsignedLong(s.get(BE32, offset));
    }

    private static String cString(byte[] b, int offset, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = offset; i < offset + max && b[i] != 0; i++) {
            int c = b[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return s.toString();
    }
}
