package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.domus.testsupport.SeedExample;
import org.domus.testsupport.Tools;

/**
 * Test boards: the files a boot script loads, made at test time with Debian's {@code mkimage} (u-boot-tools) and
 * {@code dtc}, and small stand-in kernels (a valid Arm64 Image header over random bytes) so that unit tests need no
 * guest payload. Nothing binary is committed.
 */
final class Board {
    private Board() {
    }

    /** An Arm64 Image: the 64-byte header (text_offset 0, image_size, 4K pages, anywhere, magic) and random bytes. */
    static byte[] arm64Image(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, 0x14000010L); // code0: a branch, as Linux has
        h.putLong(8, 0);
        h.putLong(0x10, size);
        h.putLong(0x18, 0b1010); // 4K pages, placed anywhere
        h.putLong(0x20, 0).putLong(0x28, 0).putLong(0x30, 0);
        h.putInt(0x38, 0x644d5241);
        h.putInt(0x3c, 0);
        return b;
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** Runs mkimage in {@code dir}; fails the test with its output when it fails. */
    static void mkimage(Path dir, String... args) throws IOException, InterruptedException {
        run(dir, "mkimage", args);
    }

    /** Compiles DTS text with dtc into {@code dir/name}. */
    static void dtc(Path dir, String name, String dts) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(name + ".dts"), dts);
        run(dir, "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", name, name + ".dts");
    }

    private static void run(Path dir, String tool, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.addAll(List.of(args));
        Tools.run(dir, cmd.toArray(String[]::new));
    }

    /**
     * The seed's tftp root: xen.dtb (dom0 at 0x80000 and domU1 at 0x2000000/0x3000000), xen-Image (dom0's kernel,
     * gzip), xen.ub (a 4 KiB stand-in for Xen in a kernel uImage), xen-rootfs.cpio.gz.u-boot (a ramdisk uImage),
     * Image-DomU (gzip) and ramdisk-DomU. {@code domUKernelReg} is the size the tree declares for Image-DomU
     * (-1: its exact size, as the seed asks for compressed kernels).
     */
    static Path seedRoot(Path dir, long domUKernelReg) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        byte[] kernel = gzip(arm64Image(3 << 20, 1));
        byte[] ramdisk = gzip(new byte[64 << 10]);
        Files.write(dir.resolve("xen-Image"), kernel);
        Files.write(dir.resolve("Image-DomU"), kernel);
        Files.write(dir.resolve("ramdisk-DomU"), ramdisk);
        Files.write(dir.resolve("rootfs.cpio.gz"), ramdisk);
        byte[] xen = new byte[4096];
        new Random(2).nextBytes(xen);
        Files.write(dir.resolve("xen-stub"), xen);
        mkimage(dir, "-A", "arm64", "-O", "linux", "-T", "kernel", "-C", "none", "-a", "0x1400000", "-e", "0x1400000",
                "-n", "Xen stand-in", "-d", "xen-stub", "xen.ub");
        mkimage(dir, "-A", "arm64", "-O", "linux", "-T", "ramdisk", "-C", "gzip", "-n", "dom0 rootfs", "-d",
                "rootfs.cpio.gz", "xen-rootfs.cpio.gz.u-boot");
        dtc(dir, "xen.dtb", seedTree(kernel.length, domUKernelReg < 0 ? kernel.length : domUKernelReg, ramdisk.length,
                "console=ttyAMA0", "console=ttyAMA0"));
        return dir;
    }

    /** The seed's tree, as the seed writes it (Xen given 256 MiB for dom0), with the given sizes and command lines. */
    static String seedTree(long dom0KernelSize, long domUKernelSize, long domURamdiskSize, String dom0Args, String domUArgs) {
        return SeedExample.tree("dom0_mem=256M dom0_max_vcpus=1", dom0Args, dom0KernelSize, domUArgs, domUKernelSize,
                domURamdiskSize).source();
    }
}
