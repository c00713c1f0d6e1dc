package org.domus.engine.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

import org.domus.engine.EngineException;
import org.domus.engine.GuestArch;

/**
 * A look at a kernel's header before QEMU gets it. QEMU jumps into any bytes it is given as {@code -kernel} (it
 * falls back to a raw binary on Arm and to a pre-2.00 zImage on x86), so a corrupt kernel would otherwise hang
 * silently instead of failing.
 */
final class KernelImage {
    /** Enough for every header below (the multiboot header may sit anywhere in the first 8 KiB). */
    private static final int HEAD = 8192;
    private static final int ARM64_MAGIC_OFFSET = 0x38;
    private static final byte[] ARM64_MAGIC = {'A', 'R', 'M', 0x64};
    private static final int BZIMAGE_MAGIC_OFFSET = 0x202;
    private static final byte[] BZIMAGE_MAGIC = {'H', 'd', 'r', 'S'};
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
    private static final byte[] UIMAGE_MAGIC = {0x27, 0x05, 0x19, 0x56};
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final int MULTIBOOT_MAGIC = 0x1BADB002;

    private KernelImage() {
    }

    /** Throws unless {@code kernel} looks like something QEMU boots for {@code arch}. */
    static void check(Path kernel, GuestArch arch) throws EngineException {
        byte[] head = read(kernel);
        if (arch == GuestArch.ARM64 && startsWith(head, GZIP_MAGIC)) {
            head = gunzipHead(kernel); // QEMU decompresses a gzipped Arm64 Image itself
        }
        boolean ok = switch (arch) {
            case ARM64 -> at(head, ARM64_MAGIC_OFFSET, ARM64_MAGIC) || startsWith(head, ELF_MAGIC)
                    || startsWith(head, UIMAGE_MAGIC);
            case X86_64 -> at(head, BZIMAGE_MAGIC_OFFSET, BZIMAGE_MAGIC) || startsWith(head, ELF_MAGIC) || multiboot(head);
        };
        if (!ok) {
            String kinds = arch == GuestArch.ARM64 ? "an Arm64 Image, gzip of one, ELF or uImage" : "a bzImage, ELF or multiboot kernel";
            throw new EngineException("kernel %s is not %s (it starts %s)".formatted(kernel, kinds,
                    HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(16, head.length))));
        }
    }

    private static byte[] read(Path kernel) throws EngineException {
        try (InputStream in = Files.newInputStream(kernel)) {
            return in.readNBytes(HEAD);
        } catch (NoSuchFileException e) {
            throw new EngineException("kernel %s: no such file".formatted(kernel));
        } catch (IOException e) {
            throw new EngineException("kernel %s: cannot read it: %s".formatted(kernel, e.getMessage()));
        }
    }

    private static byte[] gunzipHead(Path kernel) throws EngineException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(kernel))) {
            return in.readNBytes(HEAD);
        } catch (IOException e) {
            throw new EngineException("kernel %s: gzip data is corrupt: %s".formatted(kernel, e.getMessage()));
        }
    }

    private static boolean multiboot(byte[] head) {
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off + 12 <= head.length; off += 4) {
            // magic, flags, checksum: the three add up to zero (multiboot spec 3.1.1)
            if (b.getInt(off) == MULTIBOOT_MAGIC && b.getInt(off) + b.getInt(off + 4) + b.getInt(off + 8) == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return at(head, 0, magic);
    }

    private static boolean at(byte[] head, int offset, byte[] magic) {
        return head.length >= offset + magic.length
                && Arrays.equals(head, offset, offset + magic.length, magic, 0, magic.length);
    }
}
