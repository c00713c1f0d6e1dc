package org.domus.image;

/**
 * What a module's bytes were recognised as. {@code arch} is null for formats that run nowhere by
 * themselves (ramdisks, DTBs, unknown). For a wrapped or compressed kernel (uImage, gzip), {@code inner}
 * is the format found inside, and {@code arch} is that kernel's.
 *
 * @param detail one human-readable line, e.g. "Arm64 Image, text_offset 0x0, 36 MiB" or "gzip of Arm64 Image"
 */
public record ImageInfo(ImageFormat format, ImageFormat inner, Arch arch, String detail) {
}
