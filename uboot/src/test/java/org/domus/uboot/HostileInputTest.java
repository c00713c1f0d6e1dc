package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Inputs made to hurt: each ends in the module's own one-line error, quickly, without taking memory. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileInputTest {
    @TempDir
    Path dir;

    private Replay.Options options(Path tftp, long memory) {
        return new Replay.Options(tftp == null ? null : new TftpRoot(tftp), dir, memory, Replay.Listener.QUIET);
    }

    @Test
    void aScriptImageWhoseFirstPartIsEmptyIsUBootsEmptyScript() throws Exception {
        Files.write(dir.resolve("boot.scr"), emptyScriptImage());
        assertThatThrownBy(() -> Replay.run(dir.resolve("boot.scr"), options(null, BoardMemory.DEFAULT_SIZE)))
                .isInstanceOf(ReplayException.class)
                .hasMessage("boot.scr: uImage 'empty' (script): its first part has length 0 (U-Boot: \"Empty Script\")");
    }

    @Test
    void sourceOfAnEmptyScriptImageInMemoryIsUBootsEmptyScript() throws Exception {
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        Files.write(tftp.resolve("empty.scr"), emptyScriptImage());
        assertThatThrownBy(() -> Replay.run("boot.cmd", "tftpb 0x100000 empty.scr\nsource 0x100000\n",
                options(tftp, BoardMemory.DEFAULT_SIZE)))
                .isInstanceOf(ReplayException.class).hasMessageContaining("boot.cmd:2: source 0x100000: ")
                .hasMessageEndingWith("(script): its first part has length 0 (U-Boot: \"Empty Script\")");
    }

    @Test
    void aVariableDoubledUntilTheEnvironmentOverflowsStopsAtConfigEnvSize() {
        String script = "setenv x 0123456789abcdef\n" + "setenv x ${x}${x}\n".repeat(40) + "bootm\n";
        assertThatThrownBy(() -> Replay.run("boot.cmd", script, options(null, BoardMemory.DEFAULT_SIZE)))
                .isInstanceOf(ReplayException.class)
                .hasMessageMatching("boot\\.cmd:14: setenv x \\$\\{x}\\$\\{x}: the environment would hold 0x[0-9a-f]+ "
                        + "bytes, more than CONFIG_ENV_SIZE \\(0x20000\\); \"x\" is left as it was \\(U-Boot: \"## Error: "
                        + "environment overflow, \\\\\"x\\\\\" deleted\"\\)");
    }

    @Test
    void aFileLargerThanAnyLoadIsRefusedBeforeItsBytesAreHeld() throws Exception {
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        try (RandomAccessFile f = new RandomAccessFile(tftp.resolve("huge.bin").toFile(), "rw")) {
            f.setLength(5L << 30); // sparse: no disk, no memory
        }
        long before = usedHeap();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Replay.run("boot.cmd", "tftpb 0x40000000 huge.bin\n", options(tftp, 8L << 30)))
                .isInstanceOf(ReplayException.class)
                .hasMessage("boot.cmd:1: tftpb 0x40000000 huge.bin: tftpb huge.bin: 0x140000000 bytes (5 GiB) is more "
                        + "than one load can be (2 GiB, the largest module Domus can boot)");
        assertThat(System.nanoTime() - start).as("refused before reading").isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(usedHeap() - before).isLessThan(256L << 20);
    }

    @Test
    void aTreeResizedPastWhatXenBootsFromIsRefusedAtBootm() throws Exception {
        Path tftp = Board.seedRoot(dir.resolve("tftp"), -1);
        String script = """
                tftpb 0x1400000 xen.ub
                tftpb 0x9000000 xen-rootfs.cpio.gz.u-boot
                tftpb 0x10000000 xen.dtb
                fdt addr 0x10000000
                fdt resize 0x200000
                bootm 0x1400000 0x9000000 0x10000000
                """;
        assertThatThrownBy(() -> Replay.run("boot.cmd", script, options(tftp, BoardMemory.DEFAULT_SIZE)))
                .isInstanceOf(ReplayException.class)
                .hasMessageMatching("boot\\.cmd:6: bootm 0x1400000 0x9000000 0x10000000: the device tree at 0x10000000 is "
                        + "0x2[0-9a-f]{5} bytes \\(totalsize\\); Xen boots from one of at most 2 MiB \\(MAX_FDT_SIZE\\)");
    }

    @Test
    void anFdtResizePastA32BitTotalsizeIsRefusedNotWrapped() throws Exception {
        Path tftp = Board.seedRoot(dir.resolve("tftp"), -1);
        assertThatThrownBy(() -> Replay.run("boot.cmd", "tftpb 0x1280000 xen.dtb\nfdt addr 0x1280000\nfdt resize 0xffffffffffffffff\n",
                options(tftp, BoardMemory.DEFAULT_SIZE)))
                .hasMessage("boot.cmd:3: fdt resize 0xffffffffffffffff: 0xffffffffffffffff is more than a device tree's "
                        + "32-bit totalsize can hold");
        assertThatThrownBy(() -> Replay.run("boot.cmd", "tftpb 0x1280000 xen.dtb\nfdt addr 0x1280000\nfdt resize 0xfffffff0\n",
                options(tftp, BoardMemory.DEFAULT_SIZE)))
                .hasMessageMatching("boot\\.cmd:3: fdt resize 0xfffffff0: the tree would be 0x1[0-9a-f]{8} bytes, more than a "
                        + "device tree's 32-bit totalsize can hold");
    }

    @Test
    void aFifoOrDeviceInTheTftpRootIsRefusedByName() throws Exception {
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        Path fifo = tftp.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Files.createSymbolicLink(tftp.resolve("zero"), Path.of("/dev/zero"));
        assertThatThrownBy(() -> Replay.run("boot.cmd", "tftpb 0x100000 fifo\n", options(tftp, BoardMemory.DEFAULT_SIZE)))
                .hasMessage("boot.cmd:1: tftpb 0x100000 fifo: %s: not a regular file (a FIFO, socket or device)", fifo);
        assertThatThrownBy(() -> Replay.run("boot.cmd", "tftpb 0x100000 zero\n", options(tftp, BoardMemory.DEFAULT_SIZE)))
                .hasMessageEndingWith("/tftp/zero: not a regular file (a FIFO, socket or device)");
        Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
        assertThatThrownBy(() -> Replay.run("boot.cmd", "load mmc 0:1 0x100000 zero 0x1000 0x10\n",
                options(tftp, BoardMemory.DEFAULT_SIZE)))
                .hasMessageEndingWith("/zero: not a regular file (a directory, FIFO, socket or device)");
    }

    @Test
    void aScriptThatIsAFifoADirectoryOrADeviceIsRefusedByPath() throws Exception {
        Path fifo = dir.resolve("boot.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> Replay.run(fifo, options(null, BoardMemory.DEFAULT_SIZE)))
                .hasMessage(fifo + ": not a regular file (a FIFO, socket or device): refused, its reading might never end");
        assertThatThrownBy(() -> Replay.run(Path.of("/dev/zero"), options(null, BoardMemory.DEFAULT_SIZE)))
                .hasMessage("/dev/zero: not a regular file (a FIFO, socket or device): refused, its reading might never end");
        assertThatThrownBy(() -> Replay.run(dir, options(null, BoardMemory.DEFAULT_SIZE)))
                .hasMessage(dir + ": is a directory, not a file");
        Path big = dir.resolve("big.cmd");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength((1L << 20) + 1);
        }
        assertThatThrownBy(() -> Replay.run(big, options(null, BoardMemory.DEFAULT_SIZE)))
                .hasMessage(big + ": 1048577 bytes is more than a boot script can be (1 MiB)");
    }

    /**
     * A script image whose size list starts with 0, as mkimage never writes one (it refuses an empty file) but a
     * corrupted or hand-made boot.scr can be: the header's CRCs are right, the data is one 0 length and nothing else.
     */
    private static byte[] emptyScriptImage() {
        ByteBuffer b = ByteBuffer.allocate(64 + 8).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 0x27051956).putInt(12, 8);
        b.put(28, (byte) 5).put(29, (byte) 22).put(30, (byte) 6).put(31, (byte) 0);
        b.put(32, "empty".getBytes(StandardCharsets.US_ASCII));
        CRC32 data = new CRC32();
        data.update(b.array(), 64, 8);
        b.putInt(24, (int) data.getValue());
        CRC32 header = new CRC32();
        header.update(b.array(), 0, 64);
        b.putInt(4, (int) header.getValue());
        return b.array();
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
