/**
 * Boot image formats, each in one place: the Arm64 Image and x86 setup headers, ELF (PVH notes, machine, loader),
 * U-Boot's legacy uImage header and codes, gzip as Xen reads it, cpio (read and written), DTB sniffing, and the
 * {@link org.domus.image.Arch} a kernel runs on.
 */
module org.domus.image {
    exports org.domus.image;
}
