package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.domus.dom0less.DomainConfig;
import org.domus.dom0less.Host;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.testsupport.SeedExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole replays: the seed's scripts, and every failure the issue names with its exact message. */
class ReplayTest {
    private static final Host HOST = new Host(4, 8L << 30);

    @TempDir
    Path dir;

    private final List<String> printed = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private BootRequest replay(String script, Path tftpRoot) throws ReplayException {
        return replay(script, tftpRoot, BoardMemory.DEFAULT_SIZE);
    }

    private BootRequest replay(String script, Path tftpRoot, long memory) throws ReplayException {
        return Replay.run("boot.cmd", script, new Replay.Options(tftpRoot == null ? null : new TftpRoot(tftpRoot), dir,
                memory, listener()));
    }

    private Replay.Listener listener() {
        return new RecordingListener(printed, warnings);
    }

    @Test
    void seedSecondScriptPlansDom0AndDomU1() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        BootRequest request = replay(SeedExample.SECOND_SCRIPT, root);
        assertThat(request.location()).isEqualTo("boot.cmd:9");
        assertThat(request.notes()).containsExactly(
                "uImage 'Xen stand-in' (kernel, arm64, none compression) at 0x1400000, CRCs ok (tftpb xen.ub at "
                        + "0x1400000..0x1401040) stands in for Xen: Domus is the hypervisor, so its code is not run",
                "dom0's ramdisk 0x9000040..0x9000097 is in /chosen as linux,initrd-start/-end".replace("0x9000097",
                        Hex.of(0x9000040L + Files.size(root.resolve("rootfs.cpio.gz")))));
        SystemConfig system = request.system(HOST);
        assertThat(system.problems()).filteredOn(Problem::isError).isEmpty();
        assertThat(system.domains()).extracting(DomainConfig::name).containsExactly("Domain-0", "domU1");
        DomainConfig domU1 = system.domains().get(1);
        assertThat(domU1.kernel().bytes().origin()).isEqualTo("board memory 0x2000000 (tftpb Image-DomU)");
        assertThat(domU1.kernel().bytes().size()).isEqualTo(Files.size(root.resolve("Image-DomU")));
        assertThat(system.domains().get(0).ramdisk().bytes().size()).isEqualTo(Files.size(root.resolve("rootfs.cpio.gz")));
        assertThat(warnings).isEmpty();
    }

    @Test
    void aModuleOverwrittenAfterItsLoadIsAnErrorAndTheOverwriteAWarning() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        String script = SeedExample.SECOND_SCRIPT.replace("tftpb 0x3000000 ramdisk-DomU",
                "tftpb 0x3000000 ramdisk-DomU\n    tftpb 0x2000100 ramdisk-DomU");
        SystemConfig system = replay(script, root).system(HOST);
        assertThat(system.problems()).anySatisfy(p -> {
            assertThat(p.rule()).isEqualTo(org.domus.dom0less.Rule.MODULE_OVERWRITTEN);
            assertThat(p.isError()).isTrue();
            assertThat(p.path()).startsWith("/chosen/domU1/");
        });
        assertThat(system.problems()).anySatisfy(p -> {
            assertThat(p.rule()).isEqualTo(org.domus.dom0less.Rule.REPLAY);
            assertThat(p.toString()).startsWith("boot.cmd:").contains("overwrites").endsWith("(U-Boot would not say so)");
        });
    }

    @Test
    void seedFirstScriptStopsOnLine2() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        assertThatThrownBy(() -> replay(SeedExample.FIRST_SCRIPT, root)).isInstanceOf(ReplayException.class)
                .hasMessage("boot.cmd:2: tftpb 0x0x80000 xen-Image: '0x0x80000' is not a valid address "
                        + "(U-Boot would read it as 0x0 and go on)");
    }

    @Test
    void paddedGzipKernelIsExplainedAsXenWouldFailIt() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), 0xffffff);
        long size = Files.size(root.resolve("Image-DomU"));
        SystemConfig system = replay(SeedExample.SECOND_SCRIPT, root).system(HOST);
        assertThat(system.problems()).filteredOn(Problem::isError).extracting(Problem::toString).containsExactly(
                ("/chosen/domU1/module@2000000: error: reg size 0xffffff does not match file size 0x%x (board memory "
                        + "0x2000000 (tftpb Image-DomU)); the file is gzip: Xen reads the decompressed size from the last "
                        + "4 bytes of the reg region, 0x2fffffb, which hold 0x0 (board memory tftpb Image-DomU at "
                        + "0x2000000..0x%x, then 0x%x bytes nothing was loaded into), not the gzip trailer's 0x300000, "
                        + "and the kernel decompresses to 0x300000 bytes: Xen would decompress into a buffer of the "
                        + "wrong size").formatted(size, 0x2000000 + size, 0xffffff - size));
    }

    @Test
    void truncatingRegCutsTheGzipStream() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), 0x100000);
        SystemConfig system = replay(SeedExample.SECOND_SCRIPT, root).system(HOST);
        assertThat(system.problems()).filteredOn(Problem::isError).singleElement().asString()
                .startsWith("/chosen/domU1/module@2000000: error: reg size 0x100000 does not match file size ")
                .contains("reg also cuts the gzip stream");
    }

    @Test
    void dataCrcMismatch() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        flipByte(root.resolve("xen.ub"), 100);
        assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).hasMessageMatching(
                "boot\\.cmd:9: bootm 0x1400000 0x9000000 0x1280000: kernel at 0x1400000: uImage 'Xen stand-in' data "
                        + "CRC mismatch: 0x[0-9a-f]{8} in the header, 0x[0-9a-f]{8} computed over 0x1000 bytes \\(tftpb "
                        + "xen\\.ub at 0x1400000\\.\\.0x1401040; U-Boot: \"Bad Data CRC\"\\)");
    }

    @Test
    void headerCrcMismatch() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        flipByte(root.resolve("xen-rootfs.cpio.gz.u-boot"), 40); // inside the name
        assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).hasMessageMatching(
                "boot\\.cmd:9: bootm 0x1400000 0x9000000 0x1280000: ramdisk at 0x9000000: uImage header CRC mismatch: "
                        + "0x[0-9a-f]{8} in the header, 0x[0-9a-f]{8} computed \\(tftpb xen-rootfs\\.cpio\\.gz\\.u-boot "
                        + "at 0x9000000\\.\\.0x[0-9a-f]+; U-Boot: \"Bad Header Checksum\"\\)");
    }

    @Test
    void aKernelUImageForAnotherArchitectureIsRefusedAsUBootRefusesIt() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        for (String[] arch : new String[][] {{"x86_64", "0x18"}, {"arm", "0x2"}, {"riscv", "0x1a"}}) {
            Board.mkimage(root, "-A", arch[0], "-O", "linux", "-T", "kernel", "-C", "none", "-a", "0x1400000", "-e",
                    "0x1400000", "-n", "Xen stand-in", "-d", "xen-stub", "xen.ub");
            assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).as(arch[0]).hasMessage(
                    "boot.cmd:9: bootm 0x1400000 0x9000000 0x1280000: kernel at 0x1400000 is uImage 'Xen stand-in' "
                            + "(kernel, %s, none compression), built for %s, not arm64 (U-Boot: \"Unsupported Architecture %s\")"
                            .formatted(arch[0], arch[0], arch[1]));
        }
    }

    @Test
    void aKernelUImageForAnotherOsIsRefusedAsUBootRefusesIt() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        for (String[] os : new String[][] {{"netbsd", "NetBSD", "2"}, {"vxworks", "VxWorks", "14"}, {"u-boot", "U-Boot Firmware", "17"}}) {
            Board.mkimage(root, "-A", "arm64", "-O", os[0], "-T", "kernel", "-C", "none", "-a", "0x1400000", "-e",
                    "0x1400000", "-n", "Xen stand-in", "-d", "xen-stub", "xen.ub");
            assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).as(os[0]).hasMessage((
                    "boot.cmd:9: bootm 0x1400000 0x9000000 0x1280000: kernel at 0x1400000 is uImage 'Xen stand-in' "
                            + "(kernel, arm64, none compression), for %s: Xen's uImage is a Linux one (mkimage -O linux) "
                            + "(U-Boot: \"ERROR: booting os '%s' (%s) is not supported\")").formatted(os[0], os[1], os[2]));
        }
    }

    @Test
    void aRamdiskUImageForAnotherArchitectureOrOsIsRefusedAsUBootRefusesIt() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        for (String[] ao : new String[][] {{"arm", "linux"}, {"x86_64", "linux"}, {"arm64", "netbsd"}}) {
            Board.mkimage(root, "-A", ao[0], "-O", ao[1], "-T", "ramdisk", "-C", "gzip", "-n", "dom0 rootfs", "-d",
                    "rootfs.cpio.gz", "xen-rootfs.cpio.gz.u-boot");
            assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).as(ao[0] + " " + ao[1]).hasMessage((
                    "boot.cmd:9: bootm 0x1400000 0x9000000 0x1280000: ramdisk at 0x9000000 is uImage 'dom0 rootfs' "
                            + "(ramdisk, %s, gzip compression) for %s, not a Linux arm64 ramdisk (U-Boot: \"No Linux "
                            + "AArch64 Ramdisk Image\")").formatted(ao[0], ao[1]));
        }
    }

    @Test
    void truncatedUImage() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("xen.ub").toFile(), "rw")) {
            f.setLength(64 + 1000);
        }
        assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).hasMessage(
                "boot.cmd:9: bootm 0x1400000 0x9000000 0x1280000: kernel at 0x1400000: truncated uImage 'Xen stand-in': "
                        + "the header says 0x1000 bytes of data, but only 0x3e8 follow it (tftpb xen.ub at 0x1400000..0x1400428)");
    }

    @Test
    void loadPastTheEndOfBoardMemory() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        long size = Files.size(root.resolve("Image-DomU"));
        assertThatThrownBy(() -> replay("tftpb 0x1f00000 Image-DomU\n", root, 32 << 20)).hasMessage(
                ("boot.cmd:1: tftpb 0x1f00000 Image-DomU: load past the end of board memory: tftpb Image-DomU, 0x%x bytes "
                        + "at 0x1f00000..0x%x, ends past 0x2000000, the end of the board's 32 MiB (--board-memory)")
                        .formatted(size, 0x1f00000 + size));
    }

    @Test
    void missingFile() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        Files.delete(root.resolve("ramdisk-DomU"));
        assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).hasMessage(
                "boot.cmd:7: tftpb 0x3000000 ramdisk-DomU: " + root + "/ramdisk-DomU: file not found");
    }

    @Test
    void aLoadOverAnImageIsReportedAndTheDamagedImageRefused() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        // the device tree at 0x1280000 lies inside a 20 MiB dom0 kernel loaded at 0x80000 afterwards
        Files.write(root.resolve("xen-Image"), new byte[20 << 20]);
        String dtbEnd = Hex.of(0x1280000L + Files.size(root.resolve("xen.dtb")));
        // xen.ub at 0x1400000 is loaded after the kernel and is intact: the tree is what bootm finds broken
        assertThatThrownBy(() -> replay(SeedExample.SECOND_SCRIPT, root)).hasMessage(
                ("boot.cmd:9: bootm 0x1400000 0x9000000 0x1280000: no device tree at 0x1280000: magic 0x00000000, not "
                        + "0xd00dfeed (0x1280000..0x1280004 of tftpb xen-Image at 0x80000..0x1480000; U-Boot: "
                        + "\"FDT_ERR_BADMAGIC\"); tftpb xen-Image at 0x80000..0x1480000 overwrites 0x1280000..%s of tftpb "
                        + "xen.dtb at 0x1280000..%s").formatted(dtbEnd, dtbEnd));
        assertThat(warnings).containsExactly(("boot.cmd:2: tftpb xen-Image at 0x80000..0x1480000 overwrites "
                + "0x1280000..%s of tftpb xen.dtb at 0x1280000..%s (U-Boot would not say so)").formatted(dtbEnd, dtbEnd),
                "boot.cmd:3: tftpb xen.ub at 0x1400000..0x1401040 overwrites 0x1400000..0x1401040 of tftpb xen-Image at "
                        + "0x80000..0x1480000 (U-Boot would not say so)");
    }

    @Test
    void loadFromRootAndImxtractFromAMultiImage() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        Board.mkimage(root, "-A", "arm64", "-O", "linux", "-T", "multi", "-C", "none", "-n", "bundle", "-d",
                "Image-DomU:ramdisk-DomU", "bundle.ub");
        String script = """
                load mmc 0:1 ${kernel_addr_r} tftp/bundle.ub
                echo $filesize $fileaddr
                imxtract ${kernel_addr_r} 1 0x3000000
                echo $filesize
                fatload mmc 0 0x2000000 tftp/Image-DomU
                ext4load mmc 0:2 0x1280000 tftp/xen.dtb
                tftpb 0x1400000 xen.ub
                tftpb 0x80000 xen-Image
                tftpb 0x9000000 xen-rootfs.cpio.gz.u-boot
                bootm 0x1400000 0x9000000 0x1280000
                """;
        SystemConfig system = replay(script, root).system(HOST);
        assertThat(system.problems()).filteredOn(Problem::isError).isEmpty();
        assertThat(printed).containsExactly("%x 40400000".formatted(Files.size(root.resolve("bundle.ub"))),
                Long.toHexString(Files.size(root.resolve("ramdisk-DomU"))));
        assertThat(system.domains().get(1).ramdisk().bytes().origin()).isEqualTo(
                "board memory 0x3000000 (imxtract part 1 of bundle)");
        assertThat(system.domains().get(1).kernel().bytes().origin()).isEqualTo(
                "board memory 0x2000000 (fatload tftp/Image-DomU)");
    }

    @Test
    void noTftpSourceIsAnError() throws Exception {
        assertThatThrownBy(() -> replay("tftpb 0x1000 x\n", null)).hasMessage("boot.cmd:1: tftpb 0x1000 x: no TFTP "
                + "server: give --tftp-root DIR (a folder standing in for it) or --tftp-server HOST[:PORT], or set serverip");
    }

    @Test
    void scriptWithoutBootCommand() throws Exception {
        assertThatThrownBy(() -> replay("echo hello\n", null)).hasMessage(
                "boot.cmd: the script ended without booting: no bootm, booti or bootz ran");
        assertThat(printed).containsExactly("hello");
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0xff);
        }
    }
}
