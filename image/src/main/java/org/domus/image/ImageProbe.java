package org.domus.image;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Recognises a boot module by its headers (never by its file name), the way Xen and U-Boot do before
 * loading it: Arm64 {@code Image}, x86 bzImage, ELF (PVH when it carries Xen's PHYS32_ENTRY note), U-Boot
 * legacy uImage, gzip, cpio and DTB. Containers (uImage, gzip, a bzImage's payload, what follows a cpio)
 * are opened and their content probed in turn, at most {@value ProbeRun#MAX_LEVELS} levels deep, with at
 * most {@value #MAX_INFLATED} bytes decompressed in all.
 *
 * <p>For a container, {@link ImageInfo#inner()} is the innermost format found (a uImage of a gzip of an
 * Arm64 Image has inner ARM64_IMAGE; the detail names every layer) and {@link ImageInfo#arch()} is that
 * kernel's. Damage (a CRC mismatch, a truncated stream, a wrong ISIZE) is reported in the detail while the
 * format is still recognised, so that a message can say what the file was meant to be.
 */
public final class ImageProbe {
    /** Decompression bound for one probe: more than any real kernel or initramfs, far less than a heap. */
    static final long MAX_INFLATED = 512L << 20;

    private ImageProbe() {
    }

    /** What {@code bytes} are; never throws, whatever the bytes (null counts as empty). */
    public static ImageInfo probe(byte[] bytes) {
        return probe(bytes, MAX_INFLATED);
    }

    /** What a module's bytes are (a mapped file is read only where its headers are); never throws. */
    public static ImageInfo probe(MemorySegment bytes) {
        return probe(new ByteView(bytes), MAX_INFLATED);
    }

    /**
     * What the file {@code file} is, mapped for the probe and unmapped after it (an engine given a kernel nobody
     * probed yet; a planned domain's kernel was probed with its plan).
     *
     * @throws IOException when the file cannot be opened or mapped
     */
    public static ImageInfo probe(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file)) {
            return probe(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        }
    }

    /** As {@link #probe(byte[])} with another decompression bound (tests use a small one). */
    static ImageInfo probe(byte[] bytes, long maxInflated) {
        return probe(new ByteView(bytes == null ? new byte[0] : bytes), maxInflated);
    }

    private static ImageInfo probe(ByteView view, long maxInflated) {
        try {
            return new ProbeRun(maxInflated).probe(view, 1);
        } catch (RuntimeException e) {
            // Every read is bounds-checked, so this is a bug; a plan must still be able to name the module.
            return new ImageInfo(ImageFormat.UNKNOWN, null, null, "could not be probed (" + e + ")");
        } catch (InternalError e) {
            // The JVM's answer to SIGBUS: a mapped file was truncated under us while we read it.
            return new ImageInfo(ImageFormat.UNKNOWN, null, null, "could not be read: the file shrank while it was probed");
        }
    }
}
