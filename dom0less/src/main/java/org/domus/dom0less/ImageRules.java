package org.domus.dom0less;

import java.util.EnumSet;
import java.util.Set;

import org.domus.image.ImageFormat;
import org.domus.image.ImageInfo;

/** What each kind of module must be for some engine to boot it, judged from the probed image. */
final class ImageRules {
    /** Kernels an engine can start: the qemu engine boots Arm64 Images, the kvm engine bzImages and PVH ELFs. */
    static final Set<ImageFormat> KERNELS = EnumSet.of(ImageFormat.ARM64_IMAGE, ImageFormat.BZIMAGE, ImageFormat.PVH_ELF);
    /** Containers Xen (kernel_probe) and QEMU open before looking at the kernel inside. */
    static final Set<ImageFormat> WRAPPERS = EnumSet.of(ImageFormat.UIMAGE, ImageFormat.GZIP);
    /** Ramdisks Linux unpacks as an initramfs without help: a cpio archive, plain or gzip-compressed. */
    static final Set<ImageFormat> RAMDISKS = EnumSet.of(ImageFormat.CPIO, ImageFormat.GZIP);

    private ImageRules() {
    }

    static boolean bootableKernel(ImageInfo image) {
        return KERNELS.contains(image.format())
                || (WRAPPERS.contains(image.format()) && image.inner() != null && KERNELS.contains(image.inner()));
    }

    static void check(BootModule.Kind kind, ImageInfo image, String path, Problems problems) {
        switch (kind) {
            case KERNEL -> {
                if (!bootableKernel(image)) {
                    problems.add(Rule.KERNEL_FORMAT, path, "kernel is %s: no engine boots it (it needs an Arm64 Image, "
                            + "a bzImage or a PVH ELF, directly or inside uImage or gzip)", describe(image));
                }
            }
            case RAMDISK -> {
                boolean ok = RAMDISKS.contains(image.format()) || (image.format() == ImageFormat.UIMAGE
                        && image.inner() != null && RAMDISKS.contains(image.inner()));
                if (!ok) {
                    problems.add(Rule.RAMDISK_FORMAT, path,
                            "ramdisk is %s, not a cpio archive or gzip: the kernel may not be able to unpack it",
                            describe(image));
                }
            }
            case DEVICE_TREE -> {
                if (image.format() != ImageFormat.DTB) {
                    problems.add(Rule.DTB_FORMAT, path, "device-tree module is %s, not a DTB", describe(image));
                }
            }
        }
    }

    /** "gzip of Arm64 Image", "cpio", "unknown". */
    static String describe(ImageInfo image) {
        return image.inner() == null ? image.format().toString() : image.format() + " of " + image.inner();
    }
}
