package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.domain;
import static org.domus.dom0less.ValidatorFixtures.lines;
import static org.domus.dom0less.ValidatorFixtures.load;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

/** xen,vcpu and xen,evtchn-v1 sub-nodes of domains. */
class ValidatorSubnodeTest {
    private static TestModules kernels() {
        return new TestModules().at(0x1000000, "Image", Payloads.arm64Image(0x1000))
                .at(0x2000000, "Image2", Payloads.arm64Image(0x1000));
    }

    @Test
    void vcpuNodes() {
        SystemConfig system = load("vcpu.dts", kernels());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1/vcpu1: error: xen,vcpu node without an \"id\" cell (Xen: \"Invalid xen,vcpu node\")",
                "/chosen/domU1/vcpu2: error: id 4 is not below the domain's cpus 4 (Xen: \"Invalid vcpu_id\")",
                "/chosen/domU1/vcpu3: error: hard-affinity \"6-9,12\" names pCPU 8-9,12, the host has 8 CPUs (0-7) "
                        + "(Xen: \"Invalid pCPU\")",
                "/chosen/domU1/vcpu4: error: hard-affinity \"0-3;6\" has an unexpected \";\" at offset 3 (write a "
                        + "list such as \"0-3,6\")",
                "/chosen/domU1/vcpu5: error: hard-affinity \"010\" has a number with a leading 0 (010), which Xen "
                        + "reads as octal (write a list such as \"0-3,6\")",
                "/chosen/domU1/vcpu6: warning: vCPU 0 is also set by /chosen/domU1/vcpu0: Xen applies both, the "
                        + "last one wins");
        VcpuAffinity first = domain(system, "domU1").vcpus().getFirst();
        assertThat(first.id()).isZero();
        BitSet expected = new BitSet();
        expected.set(0, 4);
        expected.set(6);
        assertThat(first.hardAffinity()).isEqualTo(expected);
    }

    @Test
    void staticEventChannels() {
        SystemConfig system = load("evtchn.dts", kernels());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1/evtchn@2: error: xen,evtchn must be <port &remote> (2 cells), not 4 bytes",
                "/chosen/domU1/evtchn@3: error: could not find remote evtchn phandle 0x99",
                "/chosen/domU1/evtchn@4: error: has no phandle, so its remote /chosen/domU2/evtchn@2 cannot point "
                        + "back at it",
                "/chosen/domU1/evtchn@5: error: xen,evtchn port 0 is reserved",
                "/chosen/domU1/evtchn@5: error: has no phandle, so its remote /chosen/domU2/evtchn@3 cannot point "
                        + "back at it",
                "/chosen/domU1/evtchn@4: error: port 10 is also used by /chosen/domU1/evtchn@1",
                "/chosen/domU2/evtchn@2: error: remote /chosen/domU2/evtchn@1 does not point back: its xen,evtchn "
                        + "names /chosen/domU1/evtchn@1",
                "/chosen/domU2/evtchn@3: error: remote /chosen/evtchn-not-in-a-domain is not a \"xen,evtchn-v1\" node",
                "/chosen/domU2/evtchn@3: error: xen,evtchn port 2000 is above the domain's max_evtchn_port 1023",
                "/chosen/evtchn-not-in-a-domain: warning: not a domain, boot module, cpupool or event channel: "
                        + "ignored");
        // the well-formed pair: domU1's port 10 <-> domU2's port 20
        assertThat(domain(system, "domU1").eventChannels().getFirst())
                .isEqualTo(new StaticEventChannel("/chosen/domU1/evtchn@1", 10, "/chosen/domU2/evtchn@1"));
        assertThat(domain(system, "domU2").eventChannels().getFirst())
                .isEqualTo(new StaticEventChannel("/chosen/domU2/evtchn@1", 20, "/chosen/domU1/evtchn@1"));
    }

    @Test
    void aStaticChannelToAPlainDomainIsRefusedAtItsPlainEnd() {
        SystemConfig system = load("evtchn-plain.dts", kernels());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU2/evtchn@1: error: static event channel to /chosen/domU1/evtchn@1: domain /chosen/domU2 "
                        + "is not xen,enhanced, so its guest has no Xen event channels to use it with (give it "
                        + "xen,enhanced)");
    }

    @Test
    void thePlanBindsEachPairOnceFromItsFirstNodeAndTheStoreChannelTakesTheFirstFreePort() {
        SystemConfig system = load("evtchn-pairs.dts", kernels());
        assertThat(lines(system)).isEmpty();
        Plan plan = Plan.of(system);
        assertThat(plan.eventChannels()).containsExactly(
                new PlannedChannel("/chosen/domU1/evtchn@1", 1, 1, "/chosen/domU2/evtchn@1", 2, 2),
                new PlannedChannel("/chosen/domU1/evtchn@2", 1, 7, "/chosen/domU2/evtchn@2", 2, 9));
        assertThat(plan.domains().get(0).storeEventChannel()).isEqualTo(2);
        assertThat(plan.domains().get(1).storeEventChannel()).as("no-xenstore").isZero();
    }
}
