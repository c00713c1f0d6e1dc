package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

/** "0-3,6" lists, strictly: Xen's parser stops silently where this one says why. */
class CpuListTest {
    private static BitSet bits(int... cpus) {
        BitSet b = new BitSet();
        for (int c : cpus) {
            b.set(c);
        }
        return b;
    }

    @Test
    void listsAndRanges() throws Exception {
        assertThat(CpuList.parse("0-3,6").below(8)).isEqualTo(bits(0, 1, 2, 3, 6));
        assertThat(CpuList.parse("5").below(8)).isEqualTo(bits(5));
        assertThat(CpuList.parse("0x2-0x3").below(8)).isEqualTo(bits(2, 3));
        assertThat(CpuList.parse("0").toString()).isEqualTo("0");
        assertThat(CpuList.parse("1-1,3-4").toString()).isEqualTo("1,3-4");
    }

    @Test
    void cpusBeyondALimitAreNamedNotAllocated() throws Exception {
        CpuList list = CpuList.parse("6-9,12,0-4000000000");
        assertThat(list.atOrAbove(8)).isEqualTo("8-9,12,8-4000000000");
        assertThat(list.below(8)).isEqualTo(bits(0, 1, 2, 3, 4, 5, 6, 7));
        assertThat(CpuList.parse("0-3").atOrAbove(8)).isEmpty();
    }

    @Test
    void malformed() {
        assertThatThrownBy(() -> CpuList.parse("")).hasMessage("is empty");
        assertThatThrownBy(() -> CpuList.parse("0-3;6")).hasMessage("has an unexpected \";\" at offset 3");
        assertThatThrownBy(() -> CpuList.parse("1,")).hasMessage("ends where a CPU number should be");
        assertThatThrownBy(() -> CpuList.parse("0 - 3")).hasMessage("has an unexpected \" \" at offset 1");
        assertThatThrownBy(() -> CpuList.parse("5-3")).hasMessage("has a range running backwards (5-3)");
        assertThatThrownBy(() -> CpuList.parse("08")).hasMessage("has a number with a leading 0 (08), which Xen "
                + "reads as octal");
        assertThatThrownBy(() -> CpuList.parse("-1")).hasMessage("has an unexpected \"-\" at offset 0");
    }
}
