package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

class BoardMemoryTest {
    private static MemorySegment bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return MemorySegment.ofArray(b);
    }

    @Test
    void sparseReadsSliceOrCopyWithZerosInGaps() throws Exception {
        BoardMemory m = new BoardMemory(BoardMemory.DEFAULT_SIZE);
        m.write(0x1000, bytes(16, 1), "tftpb a", "a", null);
        m.write(0x1020, bytes(16, 2), "tftpb b", "b", null);
        assertThat(m.read(0x1004, 8).toArray(ValueLayout.JAVA_BYTE)).containsOnly(1);
        byte[] across = m.read(0x100c, 0x18).toArray(ValueLayout.JAVA_BYTE);
        assertThat(across).startsWith(1, 1, 1, 1, 0).endsWith(0, 2, 2, 2, 2);
        assertThat(m.describe(0x1000, 0x40)).isEqualTo("tftpb a at 0x1000..0x1010, 0x10 bytes nothing was loaded into, "
                + "tftpb b at 0x1020..0x1030, then 0x10 bytes nothing was loaded into");
        assertThat(m.unwritten(0x2000, 0x1000)).isTrue();
        assertThat(m.loadAt(0x1025).orElseThrow().name()).isEqualTo("b");
    }

    @Test
    void overwritesCutTheEarlierLoadAndAreRecorded() throws Exception {
        BoardMemory m = new BoardMemory(1 << 20);
        BoardMemory.Load a = m.write(0x100, bytes(0x100, 1), "tftpb a", "a", null);
        BoardMemory.Load b = m.write(0x180, bytes(0x10, 2), "tftpb b", "b", null);
        assertThat(m.overwrites()).singleElement().hasToString(
                "tftpb b at 0x180..0x190 overwrites 0x180..0x190 of tftpb a at 0x100..0x200");
        assertThat(m.read(0x17f, 3).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1, 2, 2);
        assertThat(m.read(0x190, 1).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1);
        assertThat(m.overwritesOf(a, 0x100, 0x80)).isEmpty();
        assertThat(m.overwritesOf(a, 0x100, 0x100)).hasSize(1);
        assertThat(m.loadsIn(0x100, 0x100)).containsExactly(a, b);
        // a write that replaces its own earlier self (a tree written back) is not an overwrite
        m.write(0x180, bytes(0x20, 3), "fdt", "b", b);
        assertThat(m.overwrites()).hasSize(2); // only the bytes of a beyond b's old end
    }

    @Test
    void boundsAreChecked() throws Exception {
        BoardMemory m = new BoardMemory(0x1000);
        assertThatThrownBy(() -> m.write(0xff0, bytes(0x20, 0), "tftpb big", "big", null)).hasMessage(
                "load past the end of board memory: tftpb big, 0x20 bytes at 0xff0..0x1010, ends past 0x1000, the end "
                        + "of the board's 4 KiB (--board-memory)");
        BoardMemory.Loader l = m.loader(0x800, "tftpb stream", "stream");
        assertThatThrownBy(() -> l.expect(0x900)).hasMessageContaining("0x900 bytes at 0x800..0x1100");
        BoardMemory.Loader streaming = m.loader(0xf00, "tftpb stream", "stream");
        streaming.write(new byte[0x100], 0, 0x100);
        assertThatThrownBy(() -> streaming.write(new byte[1], 0, 1)).hasMessageContaining("load past the end of board memory");
        assertThat(Sizes.parse("4G")).isEqualTo(4L << 30);
        assertThat(Sizes.parse("0x80000000")).isEqualTo(0x80000000L);
        assertThat(Sizes.parse("512MiB")).isEqualTo(512L << 20);
        assertThatThrownBy(() -> Sizes.parse("lots")).hasMessage("'lots' is not a size (examples: 4G, 512M, 0x80000000)");
    }
}
