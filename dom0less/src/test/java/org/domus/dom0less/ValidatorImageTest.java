package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.HOST;
import static org.domus.dom0less.ValidatorFixtures.domain;
import static org.domus.dom0less.ValidatorFixtures.fixture;
import static org.domus.dom0less.ValidatorFixtures.lines;
import static org.domus.dom0less.ValidatorFixtures.load;

import org.domus.image.ImageFormat;
import org.junit.jupiter.api.Test;

/** What each module kind must be for an engine to boot it, and the console rewrite for x86 kernels. */
class ValidatorImageTest {
    private static final int K = 0x1000;

    private static SystemConfig kernel(byte[] bytes) {
        return load("kernel-format.dts", new TestModules().at(0x1000000, "vmlinux", bytes));
    }

    @Test
    void bootableKernels() {
        assertThat(lines(kernel(Payloads.arm64Image(K)))).isEmpty();
        assertThat(lines(kernel(Payloads.bzImage(K)))).isEmpty();
        byte[] gz = Payloads.gzip(Payloads.arm64Image(0x8000));
        SystemConfig gzipped = load("kernel-format.dts", new TestModules().at(0x1000000, "Image.gz",
                java.util.Arrays.copyOf(gz, K)));
        assertThat(lines(gzipped)).isEmpty();
    }

    @Test
    void kernelsNoEngineBoots() {
        assertThat(lines(kernel(Payloads.elf(K)))).containsExactly("/chosen/domU1/module@1000000: error: kernel is "
                + "ELF: no engine boots it (it needs an Arm64 Image, a bzImage or a PVH ELF, directly or inside uImage "
                + "or gzip)");
        assertThat(lines(kernel(Payloads.noise(K)))).containsExactly("/chosen/domU1/module@1000000: error: kernel is "
                + "unknown: no engine boots it (it needs an Arm64 Image, a bzImage or a PVH ELF, directly or inside "
                + "uImage or gzip)");
        byte[] gz = Payloads.gzip(Payloads.noise(0x8000));
        SystemConfig gzipped = load("kernel-format.dts", new TestModules().at(0x1000000, "noise.gz",
                java.util.Arrays.copyOf(gz, K)));
        assertThat(lines(gzipped)).containsExactly("/chosen/domU1/module@1000000: error: kernel is gzip of unknown: "
                + "no engine boots it (it needs an Arm64 Image, a bzImage or a PVH ELF, directly or inside uImage or "
                + "gzip)");
    }

    @Test
    void ramdiskThatIsNeitherCpioNorGzipIsAWarning() {
        var modules = new TestModules().at(0x1000000, "Image", Payloads.arm64Image(K))
                .at(0x3000000, "rootfs.ext4", Payloads.noise(K));
        assertThat(lines(load("ramdisk-format.dts", modules))).containsExactly("/chosen/domU1/module@3000000: "
                + "warning: ramdisk is unknown, not a cpio archive or gzip: the kernel may not be able to unpack it");
        modules.at(0x3000000, "initrd.gz", java.util.Arrays.copyOf(Payloads.gzip(Payloads.cpio(0x4000)), K));
        assertThat(lines(load("ramdisk-format.dts", modules))).isEmpty();
    }

    @Test
    void deviceTreeModuleMustBeADtb() {
        var modules = new TestModules().at(0x1000000, "Image", Payloads.arm64Image(K))
                .at(0x5000000, "partial.dtb", Payloads.dtb(K)).at(0x6000000, "partial.dts", Payloads.noise(K));
        SystemConfig system = load("dtb-format.dts", modules);
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1/module@6000000: error: device-tree module is unknown, not a DTB",
                "/chosen/domU1/module@6000000: error: a second device-tree module in this domain (the first is "
                        + "/chosen/domU1/module@5000000)");
        assertThat(domain(system, "domU1").deviceTree().image().format()).isEqualTo(ImageFormat.DTB);
    }

    @Test
    void pl011ConsoleIsRewrittenForAnX86KernelOnly() {
        var modules = new TestModules().at(0x1000000, "bzImage", Payloads.bzImage(K))
                .at(0x2000000, "Image", Payloads.arm64Image(K));
        SystemConfig system = load("console-rewrite.dts", modules);
        assertThat(lines(system)).containsExactly("/chosen/domU1: warning: console=ttyAMA0 rewritten to "
                + "console=ttyS0: the kernel is x86_64, whose vpl011 is a 16550 UART at COM1");
        assertThat(domain(system, "domU1").cmdline())
                .isEqualTo("earlyprintk console=ttyS0,115200 console=ttyAMA01 root=/dev/ram");
        assertThat(domain(system, "domU2").cmdline()).isEqualTo("console=ttyAMA0");
    }

    @Test
    void aProbeThatThrowsIsAnErrorNotACrash() {
        var modules = new TestModules().at(0x1000000, "Image", Payloads.arm64Image(K));
        SystemConfig system = Validator.load(fixture("kernel-format.dts"), modules, HOST, bytes -> {
            throw new IllegalStateException("boom");
        });
        assertThat(lines(system))
                .containsExactly("/chosen/domU1/module@1000000: error: could not recognise the bytes of Image: boom");
    }
}
