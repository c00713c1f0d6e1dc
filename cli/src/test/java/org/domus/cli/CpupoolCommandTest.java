package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.domus.hypervisor.CpupoolInfo;
import org.junit.jupiter.api.Test;

/** {@code domus cpupool-list}'s table is what xl's cpupool-list prints (xl_cpupool.c's format strings). */
class CpupoolCommandTest {
    private static final List<CpupoolInfo> POOLS = List.of(
            new CpupoolInfo(0, "Pool-0", "", List.of(0, 4, 5, 6, 7), "credit2", 3),
            new CpupoolInfo(1, "Pool-1", "/chosen/pool-b", List.of(2, 3), "credit", 0),
            new CpupoolInfo(12, "Pool-12", "/chosen/a-pool-with-a-long-name", List.of(1), "null", 12345));

    @Test
    void countsSchedulerAndDomainsInXlsColumns() {
        assertThat(CpupoolCommand.table(POOLS, false)).isEqualTo("""
                Name               CPUs   Sched     Active   Domain count
                Pool-0               5   credit2       y          3
                Pool-1               2    credit       y          0
                Pool-12              1      null       y       12345
                """);
    }

    @Test
    void withDashCEachPoolsCpusOneByOne() {
        assertThat(CpupoolCommand.table(POOLS, true)).isEqualTo("""
                Name               CPU list
                Pool-0             0,4,5,6,7
                Pool-1             2,3
                Pool-12            1
                """);
    }
}
