package org.domus.image;

/** What a boot module's bytes are, recognised by their headers (never by file name). */
public enum ImageFormat {
    /** Arm64 Linux {@code Image}: "ARM\x64" at offset 0x38. */
    ARM64_IMAGE("Arm64 Image"),
    /** x86 Linux bzImage: "HdrS" at 0x202 with the 0xAA55 boot signature at 0x1fe. */
    BZIMAGE("bzImage"),
    /** ELF with a Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY). */
    PVH_ELF("PVH ELF"),
    /** Any other ELF file: not bootable as is. */
    ELF("ELF"),
    /** U-Boot legacy image (magic 0x27051956). */
    UIMAGE("uImage"),
    /** gzip stream (1f 8b). */
    GZIP("gzip"),
    /** cpio archive, newc or crc ("070701" / "070702"). */
    CPIO("cpio"),
    /** Flattened device tree (d00dfeed). */
    DTB("DTB"),
    UNKNOWN("unknown");

    private final String label;

    ImageFormat(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
