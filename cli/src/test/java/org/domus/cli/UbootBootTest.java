package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.domus.cli.DomusJvm.Run;
import org.domus.payload.GuestPayload;
import org.domus.testsupport.EndToEnd;
import org.domus.testsupport.SeedExample;
import org.domus.testsupport.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code domus uboot} end to end, in a JVM of its own, on the qemu engine with Debian's Arm64 kernel: the seed's second
 * boot script byte for byte boots Domain-0 and domU1 to their READY lines, and a script in ImageBuilder's style builds
 * its tree with fdt commands and boots three domUs. The tftp root is made here: the kernel gzip-compressed (so it
 * fits the 16 MiB the seed leaves before the ramdisk, the tree declaring its exact size), the wrappers by
 * {@code mkimage}, the trees by {@code dtc}.
 */
@EndToEnd
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class UbootBootTest {
    private static GuestPayload guest;
    private static byte[] gzipKernel;

    @BeforeAll
    static void payload() throws IOException {
        guest = TestGuest.arm64();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out, 1 << 16); InputStream in = Files.newInputStream(guest.kernel())) {
            in.transferTo(gz);
        }
        gzipKernel = out.toByteArray();
    }

    @Test
    void seedScriptBootsDomain0AndDomU1(@TempDir Path dir) throws Exception {
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        Files.write(tftp.resolve("xen-Image"), gzipKernel);
        Files.write(tftp.resolve("Image-DomU"), gzipKernel);
        Files.copy(guest.initramfs(), tftp.resolve("ramdisk-DomU"));
        Files.write(tftp.resolve("xen-stub"), new byte[8192]);
        run(tftp, "mkimage", "-A", "arm64", "-O", "linux", "-T", "kernel", "-C", "none", "-a", "0x1400000", "-e",
                "0x1400000", "-n", "Xen stand-in", "-d", "xen-stub", "xen.ub");
        run(tftp, "mkimage", "-A", "arm64", "-O", "linux", "-T", "ramdisk", "-C", "gzip", "-n", "dom0 rootfs", "-d",
                "ramdisk-DomU", "xen-rootfs.cpio.gz.u-boot");
        long kernel = gzipKernel.length;
        long ramdisk = Files.size(tftp.resolve("ramdisk-DomU"));
        assertThat(kernel).as("the gzip'd kernel fits the seed's 16 MiB slot").isLessThan(0x1000000);
        Files.writeString(tftp.resolve("xen.dts"), SeedExample.tree("dom0_mem=128M dom0_max_vcpus=1",
                "console=ttyAMA0 quiet domus.name=Domain-0", kernel, "console=ttyAMA0 quiet domus.name=domU1", kernel, ramdisk)
                .source());
        run(tftp, "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "xen.dtb", "xen.dts");
        Path script = dir.resolve("boot.cmd");
        Files.writeString(script, SeedExample.SECOND_SCRIPT);

        Run r = domus(dir, "uboot", script.toString(), "--tftp-root", tftp.toString(), "--run-dir", dir.resolve("run").toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("(d1) DOMUS-READY domU1", "(d0) DOMUS-READY Domain-0",
                "(domus) boot.cmd:9: bootm: uImage 'Xen stand-in' (kernel, arm64, none compression) at 0x1400000, CRCs ok");
    }

    @Test
    void imageBuilderScriptBuildsTheTreeAndBootsThreeDomUs(@TempDir Path dir) throws Exception {
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        // booti's kernel slot wants an Arm64 Image, which Xen's own binary is: the Debian kernel stands in for it
        Files.copy(guest.kernel(), tftp.resolve("xen"));
        Files.write(tftp.resolve("Image.gz"), gzipKernel);
        Files.copy(guest.initramfs(), tftp.resolve("initrd.cpio.gz"));
        Files.writeString(tftp.resolve("virt.dts"), """
                /dts-v1/;
                / {
                	#address-cells = <2>;
                	#size-cells = <2>;
                	chosen {
                	};
                	memory@40000000 {
                		device_type = "memory";
                		reg = <0x0 0x40000000 0x0 0x80000000>;
                	};
                };
                """);
        run(tftp, "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "virt.dtb", "virt.dts");
        // what uboot-script-gen writes: files at 2 MiB boundaries from 0xE00000, then the tree edited in place
        long align = 2 << 20;
        long at = 0xE00000;
        StringBuilder s = new StringBuilder();
        long xen = at;
        s.append("tftpb 0x%X xen\n".formatted(at));
        at = (at + Files.size(tftp.resolve("xen")) + align - 1) & -align;
        long[] kernels = new long[3];
        long[] ramdisks = new long[3];
        for (int i = 0; i < 3; i++) {
            kernels[i] = at;
            s.append("tftpb 0x%X Image.gz\n".formatted(at));
            at = (at + gzipKernel.length + align - 1) & -align;
            ramdisks[i] = at;
            s.append("tftpb 0x%X initrd.cpio.gz\n".formatted(at));
            at = (at + Files.size(tftp.resolve("initrd.cpio.gz")) + align - 1) & -align;
        }
        long fdt = at;
        s.append("tftpb 0x%X virt.dtb\n".formatted(at));
        s.append("fdt addr 0x%X\nfdt resize 1024\n".formatted(fdt));
        s.append("fdt set /chosen \\#address-cells <0x2>\nfdt set /chosen \\#size-cells <0x2>\n");
        s.append("fdt set /chosen xen,xen-bootargs \"console=dtuart dtuart=serial0 bootscrub=0 vwfi=native\"\n");
        for (int i = 0; i < 3; i++) {
            String p = "/chosen/domU" + i;
            s.append("fdt mknod /chosen domU%d\n".formatted(i));
            s.append("fdt set %s compatible \"xen,domain\"\n".formatted(p));
            s.append("fdt set %s \\#address-cells <0x2>\nfdt set %s \\#size-cells <0x2>\n".formatted(p, p));
            s.append("fdt set %s memory <0 131072>\nfdt set %s cpus <1>\nfdt set %s vpl011 <0x1>\n".formatted(p, p, p));
            s.append("fdt mknod %s module@%X\n".formatted(p, kernels[i]));
            s.append("fdt set %s/module@%X compatible \"multiboot,kernel\" \"multiboot,module\"\n".formatted(p, kernels[i]));
            s.append("fdt set %s/module@%X reg <0x0 0x%X 0x0 0x%X >\n".formatted(p, kernels[i], kernels[i], gzipKernel.length));
            s.append("fdt set %s/module@%X bootargs \"console=ttyAMA0 quiet domus.name=domU%d\"\n".formatted(p, kernels[i], i));
            s.append("fdt mknod %s module@%X\n".formatted(p, ramdisks[i]));
            s.append("fdt set %s/module@%X compatible \"multiboot,ramdisk\" \"multiboot,module\"\n".formatted(p, ramdisks[i]));
            s.append("fdt set %s/module@%X reg <0x0 0x%X 0x0 0x%X >\n".formatted(p, ramdisks[i], ramdisks[i],
                    Files.size(tftp.resolve("initrd.cpio.gz"))));
        }
        s.append("setenv fdt_high 0xffffffffffffffff\nbooti 0x%X - 0x%X\n".formatted(xen, fdt));
        Files.writeString(dir.resolve("boot.source"), s.toString());
        run(dir, "mkimage", "-A", "arm64", "-T", "script", "-C", "none", "-a", "0xC00000", "-e", "0xC00000", "-d",
                "boot.source", "boot.scr");

        Run r = domus(dir, "uboot", dir.resolve("boot.scr").toString(), "--tftp-root", tftp.toString(), "--run-dir",
                dir.resolve("run").toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("(domus) 3 domains started", "DOMUS-READY domU0", "DOMUS-READY domU1", "DOMUS-READY domU2");
    }

    /** {@code domus ARGS} in a JVM of its own, in {@code dir}, to its end: it fails the test if it has not ended in 180 s. */
    private static Run domus(Path dir, String... args) throws Exception {
        Run r = DomusJvm.run(DomusJvm.command(args).directory(dir.toFile()), 180);
        assertThat(r.ended()).as("domus %s did not finish; output:%n%s", List.of(args), r.output()).isTrue();
        return r;
    }

    private static void run(Path dir, String... cmd) {
        Tools.run(dir, cmd);
    }
}
