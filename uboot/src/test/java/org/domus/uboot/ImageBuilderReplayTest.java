package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.domus.dom0less.DomainConfig;
import org.domus.dom0less.Host;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scripts in ImageBuilder's style: the tree built in board memory by fdt commands, then booti. */
class ImageBuilderReplayTest {
    private static final Host HOST = new Host(4, 8L << 30);
    private static final String HOST_TREE = """
            /dts-v1/;
            / {
            	#address-cells = <2>;
            	#size-cells = <2>;
            	compatible = "linux,dummy-virt";
            	chosen {
            		stdout-path = "/pl011@9000000";
            	};
            	memory@40000000 {
            		device_type = "memory";
            		reg = <0x0 0x40000000 0x0 0x80000000>;
            	};
            };
            """;

    @TempDir
    Path dir;

    private Path root() throws Exception {
        Files.write(dir.resolve("xen"), Board.arm64Image(900 << 10, 7));
        for (int i = 0; i < 3; i++) {
            Files.write(dir.resolve("Image-DomU" + i + ".gz"), Board.gzip(Board.arm64Image(2 << 20, i)));
            Files.write(dir.resolve("initrd" + i + ".cpio.gz"), Board.gzip(new byte[4096 * (i + 1)]));
        }
        Board.dtc(dir, "virt.dtb", HOST_TREE);
        return dir;
    }

    private static List<ImageBuilderScript.DomU> domUs() {
        return List.of(new ImageBuilderScript.DomU("Image-DomU0.gz", "initrd0.cpio.gz", 128, 1, "console=ttyAMA0"),
                new ImageBuilderScript.DomU("Image-DomU1.gz", "initrd1.cpio.gz", 192, 2, "console=ttyAMA0 quiet"),
                new ImageBuilderScript.DomU("Image-DomU2.gz", "initrd2.cpio.gz", 256, 1, "console=ttyAMA0"));
    }

    @ParameterizedTest(name = "dynamic={0}")
    @ValueSource(booleans = {false, true})
    void buildsTheTreeInMemoryAndPlansThreeDomains(boolean dynamic) throws Exception {
        Path root = root();
        String script = ImageBuilderScript.generate(root, "xen", "virt.dtb", domUs(), dynamic);
        assertThat(script).contains("fdt resize 1024\n", "fdt set /chosen/domU0 \\#address-cells <0x2>\n");
        if (!dynamic) {
            assertThat(script).containsPattern("fdt set /chosen/domU0/module@[0-9A-F]+ reg <0x0 0x[0-9A-F]+ 0x0 0x[0-9A-F]+ >\n");
        }
        BootRequest request = Replay.run("boot.source", script, new Replay.Options(new TftpRoot(root), null,
                BoardMemory.DEFAULT_SIZE, Replay.Listener.QUIET));
        assertThat(request.command()).isEqualTo("booti");
        assertThat(request.notes().getFirst()).startsWith("Arm64 Image at 0xe00000 (tftpb xen at 0xe00000..");
        SystemConfig system = request.system(HOST);
        assertThat(system.problems()).filteredOn(Problem::isError).isEmpty();
        // libfdt puts a new node first among its siblings, so the last domU made is the first in the tree (and d1)
        assertThat(system.domains()).extracting(DomainConfig::name).containsExactly("domU2", "domU1", "domU0");
        assertThat(system.domains()).extracting(DomainConfig::cpus).containsExactly(1, 2, 1);
        assertThat(system.domains()).extracting(DomainConfig::memoryKib).containsExactly(256L * 1024, 192L * 1024, 128L * 1024);
        DomainConfig domU0 = system.domains().get(2);
        assertThat(domU0.kernel().size()).isEqualTo(Files.size(root.resolve("Image-DomU0.gz")));
        assertThat(domU0.kernel().bytes().origin()).startsWith("board memory 0x1000000 (tftpb Image-DomU0.gz)");
        assertThat(request.tree().node("/chosen").orElseThrow().property("xen,xen-bootargs").orElseThrow().string())
                .isEqualTo("console=dtuart dtuart=serial0 bootscrub=0 vwfi=native sched=null");
    }

    @Test
    void runsAsABootScrImage() throws Exception {
        Path root = root();
        Files.writeString(dir.resolve("boot.source"), ImageBuilderScript.generate(root, "xen", "virt.dtb", domUs(), false));
        Board.mkimage(dir, "-A", "arm64", "-T", "script", "-C", "none", "-a", "0xC00000", "-e", "0xC00000", "-d",
                "boot.source", "boot.scr");
        BootRequest request = Replay.run(dir.resolve("boot.scr"), new Replay.Options(new TftpRoot(root), null,
                BoardMemory.DEFAULT_SIZE, Replay.Listener.QUIET));
        assertThat(request.location()).startsWith("boot.scr:");
        assertThat(request.system(HOST).domains()).hasSize(3);
    }

    @Test
    void sourceRunsAScriptImageFromMemoryAndErrorsNameIt() throws Exception {
        Path root = root();
        Files.writeString(dir.resolve("inner.cmd"), "echo inside\ntftpb 0x0x1 xen\n");
        Board.mkimage(dir, "-A", "arm64", "-T", "script", "-C", "none", "-d", "inner.cmd", "inner.scr");
        String outer = "tftpb 0xC00000 inner.scr\nsource 0xC00000\n";
        assertThatThrownBy(() -> Replay.run("boot.cmd", outer, new Replay.Options(new TftpRoot(root), null,
                BoardMemory.DEFAULT_SIZE, Replay.Listener.QUIET)))
                .hasMessage("inner.scr:2: tftpb 0x0x1 xen: '0x0x1' is not a valid address (U-Boot would read it as 0x0 and go on)");
    }

    @Test
    void editsWithoutResizeRunOutOfRoomAsLibfdtDoes() throws Exception {
        Path root = root();
        long size = Files.size(root.resolve("virt.dtb"));
        String script = "tftpb 0x4000000 virt.dtb\nfdt addr 0x4000000\nfdt mknod /chosen domU0\n";
        assertThatThrownBy(() -> Replay.run("boot.cmd", script, new Replay.Options(new TftpRoot(root), null,
                BoardMemory.DEFAULT_SIZE, Replay.Listener.QUIET)))
                .hasMessage(("boot.cmd:3: fdt mknod /chosen domU0: the tree at 0x4000000 has 0x%x bytes of room and now "
                        + "needs 0x%x (U-Boot: \"FDT_ERR_NOSPACE\"; fdt resize makes room)").formatted(size, size + 16));
    }

    @Test
    void fdtApplyMergesAnOverlayAndGetPrintShowIt() throws Exception {
        Path root = root();
        Board.dtc(dir, "passthrough.dtbo", """
                /dts-v1/;
                /plugin/;
                / {
                	fragment@0 {
                		target-path = "/chosen";
                		__overlay__ {
                			xen,xen-bootargs = "sched=null";
                			extra { marker = <0x2a>; };
                		};
                	};
                };
                """);
        List<String> printed = new java.util.ArrayList<>();
        Replay.Listener listener = new RecordingListener(printed);
        String script = """
                tftpb 0x4000000 virt.dtb
                tftpb 0x4200000 passthrough.dtbo
                fdt addr 0x4000000
                fdt resize 1024
                fdt apply 0x4200000
                fdt get value args /chosen xen,xen-bootargs
                echo args=$args
                fdt print /chosen/extra marker
                fdt list /chosen
                fdt rm /chosen/extra
                booti 0xE00000 - 0x4000000
                """;
        assertThatThrownBy(() -> Replay.run("b", script, new Replay.Options(new TftpRoot(root), null,
                BoardMemory.DEFAULT_SIZE, listener))).hasMessage("b:11: booti 0xE00000 - 0x4000000: kernel at 0xe00000: "
                + "nothing was loaded there");
        assertThat(printed).startsWith("args=sched=null", "marker = <0x2a>;");
        assertThat(printed).contains("\textra {");
    }

    @Test
    void fdtSetErrorsNameTheProblem() throws Exception {
        Path root = root();
        String base = "tftpb 0x4000000 virt.dtb\nfdt addr 0x4000000\nfdt resize\n";
        Replay.Options options = new Replay.Options(new TftpRoot(root), null, BoardMemory.DEFAULT_SIZE, Replay.Listener.QUIET);
        assertThatThrownBy(() -> Replay.run("b", base + "fdt set /chosen/domU0 cpus <1>\n", options))
                .hasMessage("b:4: fdt set /chosen/domU0 cpus <1>: no node /chosen/domU0 (U-Boot: \"libfdt "
                        + "fdt_path_offset() returned FDT_ERR_NOTFOUND\")");
        assertThatThrownBy(() -> Replay.run("b", base + "fdt set /chosen reg <0x0 0x0x80000>\n", options))
                .hasMessage("b:4: fdt set /chosen reg <0x0 0x0x80000>: '0x0x80000' is not a cell value (numbers in <…> "
                        + "are C's: 0x1f, 31, 037; U-Boot: \"Sorry, I could not convert\")");
        assertThatThrownBy(() -> Replay.run("b", base + "fdt mknod /chosen chosen2\nfdt mknod /chosen chosen2\n", options))
                .hasMessage("b:5: fdt mknod /chosen chosen2: /chosen: node chosen2 already exists (U-Boot: \"libfdt "
                        + "fdt_add_subnode(): FDT_ERR_EXISTS\")");
    }
}
