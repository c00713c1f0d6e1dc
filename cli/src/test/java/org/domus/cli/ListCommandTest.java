package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;

import org.domus.hypervisor.DomainInfo;
import org.junit.jupiter.api.Test;

/** {@code domus list}'s table, padded by hand, is what xl's format string prints. */
class ListCommandTest {
    @Test
    void theTableIsXlsFormat() {
        List<DomainInfo> domains = List.of(domain(1, "domU1", 131072, 1, "-b----", 1.25),
                domain(12345, "a-name-longer-than-its-thirty-two-columns", 1 << 30, 128, "---s--", 98765.449),
                domain(7, "x", 0, 1, "r-----", 0), domain(123456, "", 10, 100000, "-----d", 0.05));
        StringBuilder expected = new StringBuilder(String.format(Locale.ROOT, "%-32s %5s %6s %5s %10s %9s%n",
                "Name", "ID", "Mem", "VCPUs", "State", "Time(s)"));
        for (DomainInfo d : domains) {
            expected.append(String.format(Locale.ROOT, "%-32s %5d %6d %5d %10s %9.1f%n", d.name(), d.id(), d.memoryKib() / 1024,
                    d.vcpus(), d.flags(), d.cpuSeconds()));
        }
        assertThat(ListCommand.table(domains)).isEqualTo(expected.toString());
    }

    private static DomainInfo domain(int id, String name, long memoryKib, int vcpus, String flags, double cpuSeconds) {
        return new DomainInfo(id, name, "running", flags, memoryKib, vcpus, cpuSeconds, 0, 0, "", "qemu", "Image", "",
                "", "run", List.of());
    }
}
