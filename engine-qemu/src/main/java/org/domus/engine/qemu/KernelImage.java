package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.domus.engine.DomainSpec;
import org.domus.engine.EngineException;
import org.domus.image.Arch;
import org.domus.image.ImageFormat;
import org.domus.image.ImageInfo;
import org.domus.image.ImageProbe;

/**
 * Whether a domain's kernel is one QEMU boots for its architecture, before QEMU gets it. QEMU jumps into any bytes
 * it is given as {@code -kernel} (it falls back to a raw binary on Arm and to a pre-2.00 zImage on x86), so a
 * corrupt kernel would otherwise hang silently instead of failing. A planned domain's kernel was recognised with
 * its plan and comes in the spec; a kernel nobody probed (a spec made by hand) is probed here, once.
 */
final class KernelImage {
    private KernelImage() {
    }

    /** Throws unless the spec's kernel is something QEMU boots for its {@code arch}. */
    static void check(DomainSpec spec) throws EngineException {
        ImageInfo image = spec.kernelImage() != null ? spec.kernelImage() : probe(spec.kernel());
        if (!boots(image, spec.arch())) {
            String kinds = spec.arch() == Arch.ARM64 ? "an Arm64 Image, gzip or uImage of one, or ELF" : "a bzImage or ELF";
            throw new EngineException("kernel %s is not %s (it is %s)".formatted(spec.kernel(), kinds, image.detail()));
        }
    }

    /**
     * QEMU decompresses a gzip'd Arm64 Image and unwraps a uImage itself, and loads an ELF on either architecture;
     * an x86 kernel must be a bzImage or an ELF (PVH) as it is.
     */
    static boolean boots(ImageInfo image, Arch arch) {
        ImageFormat format = image.format();
        if (format == ImageFormat.ELF || format == ImageFormat.PVH_ELF) {
            return true;
        }
        return switch (arch) {
            case ARM64 -> format == ImageFormat.ARM64_IMAGE
                    || (format == ImageFormat.GZIP || format == ImageFormat.UIMAGE) && image.inner() == ImageFormat.ARM64_IMAGE;
            case X86_64 -> format == ImageFormat.BZIMAGE;
        };
    }

    private static ImageInfo probe(Path kernel) throws EngineException {
        try {
            return ImageProbe.probe(kernel);
        } catch (NoSuchFileException e) {
            throw new EngineException("kernel %s: no such file".formatted(kernel));
        } catch (IOException e) {
            throw new EngineException("kernel %s: cannot read it: %s".formatted(kernel, e.getMessage()));
        }
    }
}
