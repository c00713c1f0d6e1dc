package org.domus.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * A gzip stream (RFC 1952), decompressed within the run's budget and its content probed: a gzip'd Arm64
 * Image is a kernel Xen decompresses itself, a gzip'd cpio is a normal initramfs. The detail reports the
 * ISIZE trailer (the last four bytes, little-endian: the decompressed size modulo 2^32), because Xen sizes
 * its output buffer from it; padding after the stream makes it wrong.
 */
final class GzipStream {
    /** Deflate's best ratio is about 1032:1, so a short stream can never need a bigger first buffer. */
    private static final int MAX_RATIO = 1032;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private GzipStream() {
    }

    static ImageInfo probe(ByteView b, ProbeRun run, int level) {
        if (!run.mayOpen(level)) {
            return new ImageInfo(ImageFormat.GZIP, null, null, "gzip, " + ProbeRun.TOO_DEEP);
        }
        Inflated out = inflate(b, run.inflateBudget());
        run.spend(out.length);
        String notes = out.problem != null ? out.problem : isize(b, out.length);
        if (out.length == 0) {
            return new ImageInfo(ImageFormat.GZIP, null, null, "gzip (%s), nothing decompressed".formatted(notes));
        }
        ImageInfo content = run.content(new ByteView(out.bytes).slice(0, out.length), level);
        return new ImageInfo(ImageFormat.GZIP, ProbeRun.leaf(content), content.arch(),
                "gzip (%s) of %s".formatted(notes, content.detail()));
    }

    private static String isize(ByteView b, long length) {
        if (!b.has(b.length() - 4L, 4)) {
            return "no ISIZE trailer";   // cannot happen after a clean end: a whole stream is at least 18 bytes
        }
        long isize = b.u32le(b.length() - 4L);
        return isize == (length & 0xffffffffL) ? "ISIZE %d, matches".formatted(isize)
                : "ISIZE %d but %d bytes decompressed: Xen would trust ISIZE".formatted(isize, length);
    }

    private record Inflated(byte[] bytes, int length, String problem) {
    }

    /**
     * Decompresses at most {@code budget} bytes. A truncated or corrupt stream keeps what came out before
     * the damage, so the content can still be named; the problem is reported with it.
     */
    private static Inflated inflate(ByteView b, long budget) {
        int limit = (int) Math.min(budget, MAX_ARRAY);
        // ISIZE, when the stream could really grow that big, sizes the buffer at once (one byte more, to see
        // the end without growing); a lying ISIZE only costs copies, never more than the limit.
        long isize = b.has(b.length() - 4L, 4) ? b.u32le(b.length() - 4L) + 1 : 1 << 16;
        long hint = Math.min(Math.min(isize, (long) b.length() * MAX_RATIO + 4096), limit);
        byte[] buf = new byte[(int) Math.max(0, hint)];
        int n = 0;
        try (InputStream in = new GZIPInputStream(b.stream(), 64 << 10)) {
            while (true) {
                if (n == buf.length) {
                    if (n >= limit) {
                        return in.read() < 0 ? new Inflated(buf, n, null)
                                : new Inflated(buf, n, "stopped after %s: the decompression limit".formatted(Fmt.size(n)));
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(Math.max(2L * n, 4096), limit));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    return new Inflated(buf, n, null);
                }
                n += r;
            }
        } catch (IOException e) {
            String what = e instanceof java.io.EOFException ? "truncated" : "corrupt: " + e.getMessage();
            return new Inflated(buf, n, "%s after %d bytes decompressed".formatted(what, n));
        } catch (OutOfMemoryError e) {
            // Only the output buffer is large; once it is dropped the heap is fine, and the module can still be named.
            return new Inflated(new byte[0], 0, "not enough memory to decompress past %s".formatted(Fmt.size(n)));
        }
    }
}
