package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.domain;
import static org.domus.dom0less.ValidatorFixtures.lines;
import static org.domus.dom0less.ValidatorFixtures.load;

import org.junit.jupiter.api.Test;

/** Domain properties: xen,enhanced, capabilities, grant frames, cpupools, and the ones Domus ignores. */
class ValidatorPropertyTest {
    private static TestModules kernels() {
        return new TestModules().at(0x1000000, "Image", Payloads.arm64Image(0x1000));
    }

    @Test
    void enhancedValues() {
        SystemConfig system = load("enhanced-values.dts", kernels());
        assertThat(lines(system)).isEmpty();
        assertThat(system.domains()).extracting(DomainConfig::enhanced)
                .containsExactly(Enhanced.NO_XENSTORE, Enhanced.ENABLED, Enhanced.LEGACY, Enhanced.NONE);
    }

    @Test
    void enhancedUnknownStringIsDisabledWithAWarning() {
        SystemConfig system = load("enhanced-unknown.dts", kernels());
        assertThat(lines(system)).containsExactly("/chosen/domU1: warning: xen,enhanced = \"yes please\" is not "
                + "\"enabled\", \"no-xenstore\", \"legacy\" or \"disabled\": Xen treats it as disabled (no PV "
                + "interfaces)");
        assertThat(domain(system, "domU1").enhanced()).isEqualTo(Enhanced.NONE);
    }

    @Test
    void capabilitiesWithUnknownBits() {
        assertThat(lines(load("capabilities-bits.dts", kernels()))).containsExactly("/chosen/domU1: error: "
                + "capabilities 0x9 has unknown bits 0x8 (Xen knows 0x1 control, 0x2 hardware, 0x4 xenstore; Xen: "
                + "\"Invalid capabilities\")");
    }

    @Test
    void twoHardwareDomains() {
        assertThat(lines(load("capabilities-duplicate.dts", kernels()))).containsExactly("/chosen/domU2: error: "
                + "a second hardware domain (the first is /chosen/domU1): Xen allows only one");
    }

    @Test
    void grantFramesOverflow() {
        assertThat(lines(load("frames-overflow.dts", kernels()))).containsExactly("/chosen/domU1: error: "
                + "max_grant_frames (2147483648) overflow: Xen takes at most 2147483647");
    }

    @Test
    void cpupools() {
        SystemConfig system = load("cpupool.dts", kernels());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU2: error: domain-cpupool points at /chosen/cpupool-b, which is not a \"xen,cpupool\" "
                        + "node under /chosen",
                "/chosen/domU3: error: domain-cpupool phandle 0x77 matches no node",
                "/chosen/cpupool-b: warning: not a domain, boot module, cpupool or event channel: ignored",
                "/chosen/cpupool-c: error: missing or empty cpupool-cpus (phandles of cpu nodes) (Xen: \"Missing or "
                        + "empty cpupool-cpus property!\")",
                "/chosen/cpupool-c: error: cpupool-sched \"fifo\" is not a Xen scheduler (credit, credit2, null, "
                        + "rtds, arinc653) (Xen: \"Scheduler fifo does not exists!\")",
                // the domains whose domain-cpupool is wrong run in Pool-0, which is cpupool-a: it holds CPU 0
                "/chosen/cpupool-a: error: Pool-0 (/chosen/cpupool-a, null, CPU 0) runs the null scheduler, which gives "
                        + "each vCPU a CPU of its own: its domains have 3 vCPUs, it has 1 CPU, so d2v0 would never run "
                        + "(Xen: \"WARNING: d2v0 not assigned to any CPU!\")");
        assertThat(domain(system, "domU1").cpupoolPath()).isEqualTo("/chosen/cpupool-a");
        assertThat(system.cpupools()).extracting(Cpupool::path).containsExactly("/chosen/cpupool-a",
                "/chosen/cpupool-c", null);
    }

    @Test
    void xenPropertiesWithoutMeaningForAHostedVmAndUnknownOnes() {
        SystemConfig system = load("properties.dts", kernels());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1: warning: direct-map: guest-physical equals host-physical has no meaning for a hosted "
                        + "VM; ignored",
                "/chosen/domU1: warning: nr_spis: the number of vGIC SPIs sizes Xen's interrupt controller; each "
                        + "engine sizes its own; ignored",
                "/chosen/domU1: warning: xen,static-mem: a hosted VM's RAM comes from the host kernel, not from fixed "
                        + "host-physical banks; ignored",
                "/chosen/domU1: warning: llc-colors: cache colouring needs control of host-physical placement, which "
                        + "a hosted VM lacks; ignored",
                "/chosen/domU1: warning: passthrough: a hosted VM gets no host devices passed through; ignored",
                "/chosen/domU1: warning: unknown property \"colour\": ignored",
                "/chosen/domU1/module@1000000: warning: unknown property \"xen,note\": ignored",
                "/chosen/domU1/shm@0: warning: static shared memory needs host-physical pages shared between guests, "
                        + "which hosted VMs do not have: ignored",
                "/chosen/domU1/gizmo: warning: not a boot module, xen,vcpu or xen,evtchn-v1 node: ignored");
        DomainConfig d = domain(system, "domU1");
        // read all the same, for a plan that wants to show them
        assertThat(d.directMap()).isTrue();
        assertThat(d.nrSpis()).isEqualTo(32);
        assertThat(d.staticMem()).hasSize(1);
        assertThat(d.staticMem().getFirst()).containsExactly(0x30000000L, 0x8000000L);
    }

    /**
     * Xen's checks of the properties Domus ignores: an empty or negative sve (the hardware's maximum), 0, 2048,
     * trap-unmapped-accesses 0 and 1, the two SCI types and static banks adding up to memory are only ignored;
     * the rest stops Xen's boot, so they are errors here, and not also "ignored".
     */
    @Test
    void xenPropertiesAreRefusedWhereXenRefusesThem() {
        SystemConfig system = load("xen-checked.dts", kernels());
        assertThat(ValidatorFixtures.errors(system)).containsExactly(
                "/chosen/sve-4096: error: sve 4096 is above 2048 bits, the longest SVE vector: Xen refuses a length "
                        + "the hardware does not have",
                "/chosen/sve-short: error: sve is 1 byte, not a cell: Xen cannot read it and stops",
                "/chosen/trap-2: error: trap-unmapped-accesses is 2: Xen takes only 0 (reads as all ones, writes "
                        + "ignored) or 1 (trap) and stops on anything else",
                "/chosen/sci-empty: error: xen,sci_type is empty, not a string: Xen cannot read it and stops",
                "/chosen/static-more: error: xen,static-mem banks total 256 MiB, memory is 128 MiB: Xen gives the "
                        + "domain exactly its static banks, never allocated RAM besides, and refuses banks that differ "
                        + "from memory",
                "/chosen/direct-alone: error: direct-map without xen,static-mem: Xen maps a direct-mapped domain's "
                        + "RAM 1:1 onto its static banks, and refuses the domain without them");
        // the values Xen takes are ignored like any other Xen-only property, and nothing more
        assertThat(system.problems()).filteredOn(p -> !p.isError()).allSatisfy(p -> assertThat(p.rule())
                .isEqualTo(Rule.IGNORED_PROPERTY)).extracting(Problem::path).containsExactly("/chosen/sve-empty",
                "/chosen/sve-negative", "/chosen/sve-off", "/chosen/sve-2048", "/chosen/trap-0", "/chosen/trap-1",
                "/chosen/sci-none", "/chosen/sci-scmi", "/chosen/static-two", "/chosen/static-two");
        assertThat(domain(system, "static-two").staticMem()).hasSize(2);
    }
}
