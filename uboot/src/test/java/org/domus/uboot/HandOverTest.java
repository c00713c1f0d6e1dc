package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Random;

import org.domus.dom0less.DomainConfig;
import org.domus.dom0less.Host;
import org.domus.testsupport.SeedExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code booti} and {@code bootz} hand over as {@code bootm} does (the seed's system planned from memory), with a raw
 * kernel in the kernel slot checked by its magic as U-Boot checks it: an Arm64 Image for booti, a zImage for bootz.
 */
class HandOverTest {
    private static final Host HOST = new Host(4, 8L << 30);
    private static final int ZIMAGE_MAGIC = 0x016f2818;

    @TempDir
    Path dir;

    private BootRequest replay(String command, String kernelFile, Path root) throws ReplayException {
        String script = SeedExample.SECOND_SCRIPT.replace("tftpb 0x1400000 xen.ub", "tftpb 0x4000000 " + kernelFile)
                .replace("bootm 0x1400000", command + " 0x4000000");
        return Replay.run("boot.cmd", script, new Replay.Options(new TftpRoot(root), dir, BoardMemory.DEFAULT_SIZE,
                new RecordingListener(new ArrayList<>(), new ArrayList<>())));
    }

    private Path root() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        Files.write(root.resolve("Image"), Board.arm64Image(1 << 20, 3));
        byte[] zImage = new byte[1 << 20];
        new Random(4).nextBytes(zImage);
        ByteBuffer.wrap(zImage).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24, ZIMAGE_MAGIC);
        Files.write(root.resolve("zImage"), zImage);
        return root;
    }

    @Test
    void bootiAndBootzHandOverTheSystemAsBootmDoes() throws Exception {
        Path root = root();
        for (String[] c : new String[][] {{"booti", "Image", "Arm64 Image"}, {"bootz", "zImage", "zImage"}}) {
            BootRequest request = replay(c[0], c[1], root);
            assertThat(request.command()).isEqualTo(c[0]);
            assertThat(request.notes().getFirst()).startsWith(c[2] + " at 0x4000000 (").endsWith("stands in for Xen: Domus "
                    + "is the hypervisor, so its code is not run");
            assertThat(request.system(HOST).domains()).extracting(DomainConfig::name).containsExactly("Domain-0", "domU1");
        }
    }

    @Test
    void aKernelOfTheOtherKindIsRefusedWithUBootsWords() throws Exception {
        Path root = root();
        assertThatThrownBy(() -> replay("bootz", "Image", root)).isInstanceOf(ReplayException.class)
                .hasMessageStartingWith("boot.cmd:9: bootz 0x4000000 0x9000000 0x1280000: kernel at 0x4000000 is not an zImage")
                .hasMessageContaining("U-Boot: \"Bad Linux ARM zImage magic!\"");
        assertThatThrownBy(() -> replay("booti", "zImage", root)).isInstanceOf(ReplayException.class)
                .hasMessageContaining("kernel at 0x4000000 is not an Arm64 Image")
                .hasMessageContaining("U-Boot: \"Bad Linux ARM64 Image magic!\"");
        assertThatThrownBy(() -> replay("booti", "xen.ub", root)).isInstanceOf(ReplayException.class)
                .hasMessageContaining("(it is a uImage: boot it with bootm)");
    }
}
