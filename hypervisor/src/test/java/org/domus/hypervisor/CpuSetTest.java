package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

/** CPU lists as users type them for vcpu-pin and as vcpu-list prints them. */
class CpuSetTest {
    private static final BitSet FOUR = BitSet.valueOf(new long[] {0b1111});

    @Test
    void parsesListsRangesAndAll() {
        assertThat(CpuSet.parse("0-1,3", FOUR)).isEqualTo(BitSet.valueOf(new long[] {0b1011}));
        assertThat(CpuSet.parse("2", FOUR)).isEqualTo(BitSet.valueOf(new long[] {0b0100}));
        assertThat(CpuSet.parse("all", FOUR)).isEqualTo(FOUR);
        assertThat(CpuSet.parse("any", FOUR)).isEqualTo(FOUR);
    }

    @Test
    void refusesWhatIsNotAList() {
        for (String bad : new String[] {"", "1-", "-1", "a", "1,,2", "3-1", "0x1", "1-2-3", "99999"}) {
            assertThatThrownBy(() -> CpuSet.parse(bad, FOUR)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void formatsAsXenWritesIt() {
        assertThat(CpuSet.format(BitSet.valueOf(new long[] {0b1011}), FOUR)).isEqualTo("0-1,3");
        assertThat(CpuSet.format(FOUR, FOUR)).isEqualTo("all");
        assertThat(CpuSet.format(new BitSet(), FOUR)).isEqualTo("none");
        assertThat(CpuSet.format(FOUR, BitSet.valueOf(new long[] {0b11111}))).isEqualTo("0-3");
    }
}
