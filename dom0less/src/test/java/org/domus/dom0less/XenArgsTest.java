package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** Xen's size syntax (parse_size_and_unit) and option lookup. */
class XenArgsTest {
    @Test
    void sizesWithSuffixes() {
        assertThat(XenArgs.sizeBytes("512M")).hasValue(512L << 20);
        assertThat(XenArgs.sizeBytes("1G")).hasValue(1L << 30);
        assertThat(XenArgs.sizeBytes("1g")).hasValue(1L << 30);
        assertThat(XenArgs.sizeBytes("2T")).hasValue(2L << 40);
        assertThat(XenArgs.sizeBytes("64k")).hasValue(64L << 10);
        assertThat(XenArgs.sizeBytes("4096B")).hasValue(4096);
    }

    @Test
    void noSuffixMeansKib() {
        assertThat(XenArgs.sizeBytes("1024")).hasValue(1L << 20);
        assertThat(XenArgs.sizeBytes("0x400")).hasValue(1L << 20);
        assertThat(XenArgs.sizeBytes("010")).hasValue(8L << 10); // leading 0: octal, as simple_strtoull base 0
    }

    @Test
    void notSizes() {
        assertThat(XenArgs.sizeBytes("")).isEqualTo(OptionalLong.empty());
        assertThat(XenArgs.sizeBytes("M")).isEqualTo(OptionalLong.empty());
        assertThat(XenArgs.sizeBytes("12Q")).isEqualTo(OptionalLong.empty());
        assertThat(XenArgs.sizeBytes("512MB")).isEqualTo(OptionalLong.empty()); // Xen: trailing "B" is -EINVAL
        assertThat(XenArgs.sizeBytes("50%")).isEqualTo(OptionalLong.empty()); // x86 only
        assertThat(XenArgs.sizeBytes("99999999999T")).isEqualTo(OptionalLong.empty());
    }

    @Test
    void theLastOccurrenceOfAnOptionWins() {
        assertThat(XenArgs.option("sched=credit console=dtuart sched=null", "sched")).hasValue("null");
        assertThat(XenArgs.option("nosched=1", "sched")).isEmpty();
        assertThat(XenArgs.option("", "sched")).isEmpty();
        assertThat(XenArgs.dom0MaxVcpus("dom0_max_vcpus=4")).hasValue(4);
        assertThat(XenArgs.dom0MaxVcpus("dom0_max_vcpus=1-4")).isEmpty();
    }
}
