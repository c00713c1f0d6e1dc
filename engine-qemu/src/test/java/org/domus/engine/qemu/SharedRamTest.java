package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared guest RAM: bounds-checked, and discarded pages really leave the file (and so QEMU's memory). */
class SharedRamTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SIZE = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void discardPunchesWholePagesOutAndTheyReadAsZero() throws Exception {
        Path file = El2Launch.ramFile(new org.domus.engine.DomainSpec("ramtest", org.domus.image.Arch.ARM64, SIZE, 1, null,
                null, null, dir)); // where enhanced domains keep it: tmpfs
        try (SharedRam ram = SharedRam.create(file, BASE, SIZE)) {
            var m = ram.memory();
            m.fill((byte) 0x5a);
            long allocated = allocatedBytes(file);
            assertThat(allocated).isGreaterThanOrEqualTo(SIZE);
            // 0x1800..0x5800: only pages 0x2000..0x5000 are whole
            ram.discard(BASE + 0x1800, 0x4000);
            // measured before reading: a read of a hole in a shared tmpfs mapping allocates the page again
            assertThat(allocatedBytes(file)).isEqualTo(allocated - 0x3000);
            assertThat(m.get(ValueLayout.JAVA_BYTE, 0x1fff)).isEqualTo((byte) 0x5a);
            assertThat(m.get(ValueLayout.JAVA_BYTE, 0x2000)).isZero();
            assertThat(m.get(ValueLayout.JAVA_BYTE, 0x4fff)).isZero();
            assertThat(m.get(ValueLayout.JAVA_BYTE, 0x5000)).isEqualTo((byte) 0x5a);
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void outsideTheRamNothingHappensAndNothingIsReached() throws Exception {
        try (SharedRam ram = SharedRam.create(dir.resolve("ram"), BASE, SIZE)) {
            var m = ram.memory();
            m.fill((byte) 1);
            ram.discard(0, BASE);                         // below
            ram.discard(BASE + SIZE, 1L << 40);           // above
            ram.discard(-4096, Long.MAX_VALUE);           // wraps past 2^64: clipped to the RAM, all of it
            assertThat(m.get(ValueLayout.JAVA_BYTE, 0)).isZero();
            ram.discard(BASE, -5);
            assertThatThrownBy(() -> m.get(ValueLayout.JAVA_BYTE, SIZE)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(ram.base()).isEqualTo(BASE);
            assertThat(m.byteSize()).isEqualTo(SIZE);
        }
    }

    /** A reboot creates the next RAM under the same name before the last one is closed: closing must not remove it. */
    @Test
    void closingAfterTheNameWasDroppedLeavesANewFileOfThatNameAlone() throws Exception {
        Path file = dir.resolve("ram");
        SharedRam old = SharedRam.create(file, BASE, SIZE);
        old.unlink();
        try (SharedRam next = SharedRam.create(file, BASE, SIZE)) {
            old.close();
            assertThat(file).exists();
        }
    }

    @Test
    void afterCloseTheViewIsGoneNotDangling() throws Exception {
        SharedRam ram = SharedRam.create(dir.resolve("ram"), BASE, SIZE);
        var m = ram.memory();
        ram.close();
        assertThatThrownBy(() -> m.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    /** st_blocks (512-byte units whatever the file system's block size), as coreutils' stat prints it. */
    private static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).isZero();
        return Long.parseLong(out) * 512;
    }
}
