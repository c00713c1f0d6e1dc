package org.domus.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.util.zip.GZIPInputStream;

/**
 * What Xen on Arm does with a gzip kernel module (kernel_decompress): it takes exactly the bytes {@code reg}
 * delimits, reads the decompressed size from their last 4 bytes (gzip's ISIZE trailer, little-endian, when the
 * region is exactly the file), sizes its output from that and inflates into it. With a region larger than the file
 * those 4 bytes are whatever follows it in memory; with a smaller one they are compressed data and the stream is cut
 * short. This says so in numbers, for the seed's "they may be unusable in Xen (for instance if they are
 * compressed)".
 */
public final class XenGunzip {
    private XenGunzip() {
    }

    /** Whether {@code bytes} start as a gzip stream does (or as the old "pack"-era gzip magic 1f 9e). */
    public static boolean isGzip(MemorySegment bytes) {
        ByteView b = new ByteView(bytes);
        return b.startsWith(0, 0x1f, 0x8b) || b.startsWith(0, 0x1f, 0x9e);
    }

    /**
     * One sentence on what Xen makes of {@code region} (reg's bytes in memory, described by {@code regionOrigin})
     * given the {@code file} loaded there.
     */
    public static String explain(MemorySegment file, MemorySegment region, String regionOrigin, long address, long size) {
        ByteView r = new ByteView(region);
        ByteView f = new ByteView(file);
        long xenSize = r.u32le(size - 4);
        long real = f.has(f.length() - 4, 4) ? f.u32le(f.length() - 4) : -1;
        long inflated = inflatedSize(f);
        StringBuilder s = new StringBuilder("the file is gzip: Xen reads the decompressed size from the last 4 bytes "
                + "of the reg region, %s, which hold 0x%x (%s)".formatted(Fmt.hex(address + size - 4), xenSize, regionOrigin));
        if (real >= 0) {
            s.append(", not the gzip trailer's 0x%x".formatted(real));
        }
        if (inflated >= 0 && xenSize != (inflated & 0xffffffffL)) {
            s.append(", and the kernel decompresses to 0x%x bytes".formatted(inflated));
        }
        if (size < file.byteSize()) {
            s.append("; reg also cuts the gzip stream 0x%x bytes short, so Xen cannot decompress it".formatted(file.byteSize() - size));
        } else {
            s.append(": Xen would decompress into a buffer of the wrong size");
        }
        return s.toString();
    }

    /** How many bytes the whole gzip file inflates to, or -1 when it is not one clean stream. */
    private static long inflatedSize(ByteView file) {
        try (InputStream in = new GZIPInputStream(file.stream(), 64 << 10)) {
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            return -1;
        }
    }
}
