package org.domus.payload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.domus.image.Arch;
import org.domus.image.ImageFormat;
import org.domus.image.ImageProbe;

/**
 * Finds the bootable kernel in an unpacked {@code linux-image-*} package ({@code /boot/vmlinuz-*}) and checks it
 * is one QEMU's {@code -kernel} loads for the architecture (recognised by {@link ImageProbe}): an Arm64
 * {@code Image} or an x86 bzImage. A gzip'd Arm64 Image is decompressed once, next to the package folder.
 */
final class KernelImage {
    private KernelImage() {
    }

    static Path locate(Path unpacked, Arch arch) throws PayloadException {
        Path vmlinuz = vmlinuz(unpacked);
        byte[] head = head(vmlinuz, 0x240);
        if (hasMagic(head, arch)) {
            return vmlinuz;
        }
        if (arch == Arch.ARM64 && head.length > 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            Path image = unpacked.resolveSibling(unpacked.getFileName() + ".Image");
            if (!Files.exists(image)) {
                gunzip(vmlinuz, image);
            }
            if (hasMagic(head(image, 0x40), arch)) {
                return image;
            }
        }
        throw new PayloadException("%s is not a kernel for %s (no %s magic)".formatted(vmlinuz, arch,
                arch == Arch.ARM64 ? "ARM\\x64 Image" : "HdrS bzImage"));
    }

    /** Whether {@code head}, a kernel's first bytes, is one QEMU's {@code -kernel} loads as it is for {@code arch}. */
    static boolean hasMagic(byte[] head, Arch arch) {
        ImageFormat format = ImageProbe.probe(head).format();
        return switch (arch) {
            case ARM64 -> format == ImageFormat.ARM64_IMAGE;
            case X86_64 -> format == ImageFormat.BZIMAGE;
        };
    }

    private static Path vmlinuz(Path unpacked) throws PayloadException {
        Path boot = unpacked.resolve("boot");
        try (Stream<Path> files = Files.list(boot)) {
            List<Path> kernels = files.filter(f -> f.getFileName().toString().startsWith("vmlinuz-")).sorted().toList();
            if (kernels.size() != 1) {
                throw new PayloadException("%s holds %d vmlinuz-* files, expected one".formatted(boot, kernels.size()));
            }
            return kernels.getFirst();
        } catch (IOException e) {
            throw new PayloadException("cannot list %s: %s".formatted(boot, PayloadCache.why(e)), e);
        }
    }

    static byte[] head(Path file, int length) throws PayloadException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(length);
        } catch (IOException e) {
            throw new PayloadException("cannot read %s: %s".formatted(file, PayloadCache.why(e)), e);
        }
    }

    private static void gunzip(Path gz, Path target) throws PayloadException {
        try {
            // A temp file and an atomic rename: a reader never sees half an Image, and two writers write the same bytes.
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
                 OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PayloadException("cannot decompress %s: %s".formatted(gz, PayloadCache.why(e)), e);
        }
    }
}
