package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.errors;
import static org.domus.dom0less.ValidatorFixtures.fixture;
import static org.domus.dom0less.ValidatorFixtures.lines;
import static org.domus.dom0less.ValidatorFixtures.load;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

/**
 * Boot cpupools as Xen makes them (boot-cpupool.c): ids, Pool-0, the CPUs each owns, where they confine each
 * domain's vCPUs in the plan, and what Xen refuses at boot, refused at plan time with the node's path.
 */
class CpupoolTest {
    private static TestModules kernels() {
        return new TestModules().at(0x1000000, "Image", Payloads.arm64Image(0x1000));
    }

    @Test
    void poolsGetXensIdsAndThePoolHoldingCpu0IsPool0() {
        SystemConfig system = load("cpupool-plan.dts", kernels());
        assertThat(lines(system)).isEmpty();
        // pool-a 0, pool-b 1, the CPUs in neither 2; that one holds CPU 0, so it trades ids with pool-a
        assertThat(system.cpupools()).extracting(Cpupool::describe).containsExactly(
                "Pool-0 (the CPUs in no xen,cpupool node, credit2, CPUs 0,4-7)",
                "Pool-1 (/chosen/pool-b, credit, CPUs 2-3)",
                "Pool-2 (/chosen/pool-a, null, CPU 1)");
    }

    @Test
    void thePlanConfinesEachDomainsVcpusToItsPool() {
        Plan plan = Plan.of(load("cpupool-plan.dts", kernels()));
        assertThat(plan.hasCpupools()).isTrue();
        assertThat(plan.domains()).extracting(d -> d.cpupool().name()).containsExactly("Pool-2", "Pool-1", "Pool-0");
        // null: a CPU of its own; credit: the pool's CPUs, within a xen,vcpu hard-affinity; no pool node: Pool-0's
        assertThat(plan.domains()).extracting(PlannedDomain::pinning).containsExactly(
                java.util.List.of("1"), java.util.List.of("2", "2-3"), java.util.List.of("0,4-7"));
    }

    @Test
    void withoutPoolNodesPool0HoldsEveryHostCpuAndNothingIsPinned() {
        SystemConfig system = load("vcpu.dts", kernels());
        BitSet all = new BitSet();
        all.set(0, 8);
        assertThat(system.cpupools()).containsExactly(new Cpupool(0, null, all, "credit2"));
        assertThat(load("cpus-total-null.dts", kernels()).cpupools().getFirst().scheduler()).isEqualTo("null");
    }

    @Test
    void whatXenRefusesAtBootIsRefusedWithTheNodeAndXensReason() {
        SystemConfig system = load("cpupool-errors.dts", kernels());
        assertThat(errors(system)).containsExactly(
                "/chosen/pool-b: error: cpupool-cpus names /cpus/cpu@1, logical CPU 1, which is already in "
                        + "/chosen/pool-a (Xen: \"Logical cpu 1 already added to a cpupool!\")",
                "/chosen/pool-b: error: cpupool-cpus names /cpus/cpu@2, logical CPU 2, which is already in this "
                        + "cpupool (Xen: \"Logical cpu 2 already added to a cpupool!\")",
                "/chosen/pool-c: error: cpupool-cpus names /serial, which is not a CPU Xen brings up (a child of /cpus "
                        + "with device_type \"cpu\" and a reg of its own) (Xen: \"Error retrieving logical cpu from "
                        + "node pool-c (-2)\")",
                "/chosen/pool-d: error: missing or empty cpupool-cpus (phandles of cpu nodes) (Xen: \"Missing or "
                        + "empty cpupool-cpus property!\")",
                "/chosen/domU3/vcpu0: error: hard-affinity 1-2 has no CPU of the domain's Pool-0 (/chosen/pool-e, "
                        + "credit2, CPU 0) (Xen: \"vcpu0: failed (rc=-22) to set hard affinity for domain domU3\")",
                "/chosen/pool-a: error: Pool-4 (/chosen/pool-a, null, CPU 1) runs the null scheduler, which gives "
                        + "each vCPU a CPU of its own: its domains have 2 vCPUs, it has 1 CPU, so d2v0 would never run "
                        + "(Xen: \"WARNING: d2v0 not assigned to any CPU!\")");
        assertThat(system.problems()).filteredOn(Problem::isError).extracting(Problem::check).containsExactly(
                "cpupool-shared", "cpupool-shared", "cpupool-cpus", "cpupool-cpus", "cpupool-affinity",
                "cpupool-overcommit");
    }

    @Test
    void aCpuTheHostLacksAndANullPool0OverCommitted() {
        SystemConfig system = Validator.load(fixture("cpupool-beyond-host.dts"), kernels(), new Host(2, 16L << 30));
        assertThat(errors(system)).containsExactly(
                "/chosen/pool-a: error: cpupool-cpus names /cpus/cpu@2, logical CPU 2, the host has 2 CPUs (0-1) "
                        + "(Xen panics: its pool \"contains cpu2 that is not online!\")",
                "/chosen: error: Pool-0 (the CPUs in no xen,cpupool node, null, CPUs 0-1) runs the null scheduler, "
                        + "which gives each vCPU a CPU of its own: its domains have 3 vCPUs, it has 2 CPUs, so d2v1 "
                        + "would never run (Xen: \"WARNING: d2v1 not assigned to any CPU!\")");
    }

    @Test
    void aNullPoolPlacesEachVcpuOnTheFirstFreeCpuOfItsHardAffinity() {
        SystemConfig system = load("cpupool-null-affinity.dts", kernels());
        assertThat(lines(system)).isEmpty();
        // d1v0 may run only on CPU 3; d1v1 takes the pool's first free CPU, 1; d2v0 the next, 2
        assertThat(Plan.of(system).domains()).extracting(PlannedDomain::pinning).containsExactly(
                java.util.List.of("3", "1"), java.util.List.of("2"));
    }

    @Test
    void aNullPoolVcpuWhoseHardAffinityCpusAreAllTakenIsRefused() {
        assertThat(errors(load("cpupool-null-affinity-taken.dts", kernels()))).containsExactly(
                "/chosen/fast: error: Pool-1 (/chosen/fast, null, CPUs 1-3) runs the null scheduler, which gives each "
                        + "vCPU a CPU of its own: d2v0 may run only on CPU 3, each taken by a vCPU before it, so it would "
                        + "never run (Xen: \"WARNING: d2v0 not assigned to any CPU!\")");
    }
}
