package org.domus.dom0less;

import org.domus.testsupport.Tools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.domus.dom0less.ValidatorFixtures.errors;
import static org.domus.dom0less.ValidatorFixtures.lines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine each guest gets, as the plan says it and boot builds it: the system's GIC (the tree's interrupt
 * controller, else the user's choice, else v3), the console, and a partial device tree taken as Xen takes it. Partial
 * trees and guest trees are compiled by Debian's dtc.
 */
class GuestMachineTest {
    private static final Host HOST = new Host(8, 16L << 30);

    @TempDir
    Path dir;

    /** A system of domains given as DTS bodies (kernel at 0x1000000, partial tree at 0x3000000 if asked), plus {@code extra} root nodes. */
    private SystemConfig system(Host host, String extra, String... domains) {
        StringBuilder s = new StringBuilder("/dts-v1/;\n/ {\n#address-cells = <2>;\n#size-cells = <2>;\n" + extra
                + "chosen {\n#address-cells = <1>;\n#size-cells = <1>;\n");
        for (String d : domains) {
            s.append(d).append('\n');
        }
        s.append("};\n};\n");
        try {
            return Validator.load(Fdt.fromDts(s.toString(), "system.dts"), modules(), host);
        } catch (FdtException e) {
            throw new AssertionError(e);
        }
    }

    private TestModules modules;

    private TestModules modules() {
        return modules == null ? modules = new TestModules().at(0x1000000, "Image", Payloads.arm64Image(0x1000)) : modules;
    }

    private static String domain(String name, int cpus, String properties) {
        return """
                %s {
                    compatible = "xen,domain";
                    memory = <0 0x20000>;
                    cpus = <%d>;
                    %s
                    kernel { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x1000000 0x1000>; };
                };""".formatted(name, cpus, properties);
    }

    private static final String PARTIAL_NODE = """
            dtb { compatible = "multiboot,device-tree", "multiboot,module"; reg = <0x3000000 %s>; };""";

    private byte[] dtc(String source) throws Exception {
        Path file = Files.createTempFile(dir, "tree", ".dts");
        Files.writeString(file, source);
        return Tools.run(dir, "dtc", "-q", "-I", "dts", "-O", "dtb", file.toString());
    }

    private String withPartial(String name, byte[] partial) {
        modules().at(0x3000000, "partial.dtb", partial);
        return domain(name, 1, "vpl011;\n" + PARTIAL_NODE.formatted("0x%x".formatted(partial.length)));
    }

    // ---- the GIC ----

    @Test
    void withoutAnInterruptControllerTheGicIsV3OrTheUsersChoice() {
        assertThat(system(HOST, "", domain("d", 1, "")).gic()).isEqualTo(new Gic(3, "default"));
        assertThat(system(HOST.withGicVersion(2), "", domain("d", 1, "")).gic()).isEqualTo(new Gic(2, "--gic-version"));
    }

    @Test
    void theSystemTreesGicDecidesAndAContradictingChoiceIsAnError() {
        String gic400 = "intc: interrupt-controller@8000000 { compatible = \"arm,gic-400\"; interrupt-controller; #interrupt-cells = <3>; reg = <0 0x8000000 0 0x10000>; };\n";
        String soc = "soc { gic@8000000 { compatible = \"arm,gic-v3\"; interrupt-controller; }; };\n";
        assertThat(system(HOST, gic400, domain("d", 1, "")).gic()).isEqualTo(new Gic(2, "/interrupt-controller@8000000 (arm,gic-400)"));
        assertThat(system(HOST, soc, domain("d", 1, "")).gic()).isEqualTo(new Gic(3, "/soc/gic@8000000 (arm,gic-v3)"));
        assertThat(errors(system(HOST.withGicVersion(3), gic400, domain("d", 1, "")))).containsExactly(
                "/interrupt-controller@8000000: error: the system's interrupt controller is GICv2 (arm,gic-400), which its "
                        + "domains get as Xen gives them; --gic-version 3 contradicts it");
    }

    @Test
    void onGicV2AXenGuestAndMoreThanEightVcpusAreRefused() {
        SystemConfig s = system(HOST.withGicVersion(2), "", domain("xg", 1, "xen,enhanced = \"enabled\";"),
                domain("wide", 9, ""), domain("fine", 8, "vpl011;"));
        assertThat(errors(s)).containsExactly(
                "/chosen/xg: error: xen,enhanced makes this domain a Xen guest on the qemu engine, whose EL2 program injects "
                        + "interrupts through GICv3 list registers; the system's GIC is v2 (--gic-version)",
                "/chosen/wide: error: cpus = <9>: a GICv2 serves at most 8 vCPUs, and the system's GIC is v2 (--gic-version)");
        assertThat(errors(system(HOST, "", domain("xg", 1, "xen,enhanced = \"enabled\";"), domain("wide", 9, "")))).isEmpty();
    }

    // ---- the console ----

    @Test
    void eachDomainsConsoleIsWhatItsGuestWillHave() {
        Plan plan = Plan.of(system(HOST, "", domain("plain", 1, ""), domain("uart", 1, "vpl011;"),
                domain("xen", 1, "xen,enhanced;"), domain("both", 1, "vpl011; xen,enhanced;")));
        assertThat(plan.domains().stream().map(PlannedDomain::console)).containsExactly(
                "none", "pl011 (vpl011)", "hvc0 (PV console)", "pl011 (vpl011), hvc0 (PV console)");
        assertThat(plan.domains().stream().map(PlannedDomain::uart)).containsExactly(false, true, false, true);
        assertThat(plan.gic()).isEqualTo(new Gic(3, "default"));
    }

    // ---- partial device trees ----

    @Test
    void aPartialTreeThatAssignsAHostDeviceIsRefusedNamingTheNode() throws Exception {
        byte[] partial = dtc("""
                /dts-v1/;
                / {
                    #address-cells = <2>; #size-cells = <2>;
                    passthrough {
                        compatible = "simple-bus"; ranges; #address-cells = <2>; #size-cells = <2>;
                        eth@10000000 { compatible = "calxeda,hb-xgmac"; reg = <0 0x10000000 0 0x1000>;
                            xen,reg = <0 0xfff51000 0 0x1000 0 0x10000000>; xen,path = "/soc/ethernet@fff51000"; };
                        timer { compatible = "domus,test"; xen,force-assign-without-iommu; };
                    };
                    extra { };
                };""");
        SystemConfig s = system(HOST, "", withPartial("d", partial));
        assertThat(lines(s)).containsExactly(
                "/chosen/d/dtb: warning: partial device tree node /extra is ignored: Xen takes only /passthrough, /aliases and /gic",
                "/chosen/d/dtb: error: partial device tree node /passthrough/eth@10000000 has xen,reg, xen,path: assigning a "
                        + "host device to a guest needs the host's device and Xen's IOMMU, which the qemu engine has not",
                "/chosen/d/dtb: error: partial device tree node /passthrough/timer has xen,force-assign-without-iommu: "
                        + "assigning a host device to a guest needs the host's device and Xen's IOMMU, which the qemu engine has not");
    }

    @Test
    void aPartialTreeThatCannotBeReadIsRefused() throws Exception {
        byte[] partial = dtc("/dts-v1/;\n/ { passthrough { a { }; }; };");
        int struct = java.nio.ByteBuffer.wrap(partial).getInt(8);
        java.nio.ByteBuffer.wrap(partial).putInt(struct, 0x0f); // no such structure token
        assertThat(system(HOST, "", withPartial("d", partial)).problems())
                .anySatisfy(p -> assertThat(p.rule()).isEqualTo(Rule.DTB_PARTIAL));
    }

    @Test
    void aPartialTreesPhandlesStayBelowXensOwn() throws Exception {
        byte[] partial = dtc("""
                /dts-v1/;
                / { passthrough { a { phandle = <64998>; }; b { phandle = <64999>; }; c { phandle = <0x8001>; }; }; };""");
        assertThat(lines(system(HOST, "", withPartial("d", partial)))).containsExactlyInAnyOrder(
                "/chosen/d/dtb: error: partial device tree node /passthrough/b has phandle 64999: Xen numbers the guest's own "
                        + "nodes from 65000, so a partial tree's phandles stay below 64999",
                "/chosen/d/dtb: warning: partial device tree node /passthrough/c has phandle 0x8001: the qemu engine's guest "
                        + "tree is QEMU's, whose own phandles start at 0x8000; a domain whose phandle QEMU uses too is refused at boot");
    }

    @Test
    void mergingCopiesPassthroughAndAliasesAndResolvesTheGicPlaceholder() throws Exception {
        byte[] guest = dtc("""
                /dts-v1/;
                / {
                    interrupt-parent = <0x8002>;
                    #address-cells = <2>; #size-cells = <2>;
                    intc@8000000 { compatible = "arm,gic-v3"; interrupt-controller; #interrupt-cells = <3>; #address-cells = <2>;
                        phandle = <0x8002>; its { msi-controller; phandle = <0x8003>; }; };
                    pcie { #address-cells = <3>; #interrupt-cells = <1>; msi-parent = <0x8003>;
                        interrupt-map = <0 0 0 1 0x8002 0 0 0 3 4>, <0 0 0 2 0x8002 0 0 0 4 4>; };
                    dev { interrupts-extended = <0x8002 0 5 4>; };
                    aliases { serial0 = "/pl011@9000000"; };
                };""");
        byte[] partial = dtc("""
                /dts-v1/;
                / {
                    #address-cells = <2>; #size-cells = <2>;
                    gic: gic { #interrupt-cells = <3>; interrupt-controller; };
                    aliases { test = &foo; };
                    passthrough {
                        compatible = "simple-bus"; ranges; #address-cells = <2>; #size-cells = <2>;
                        foo: foo { compatible = "domus,test"; interrupt-parent = <&gic>; interrupts = <0 80 4>; };
                    };
                    ignored { };
                };""");
        Fdt merged = Fdt.fromDtb(PartialDeviceTree.merge(guest, partial, "/chosen/d/dtb"));
        Node foo = merged.node("/passthrough/foo").orElseThrow();
        assertThat(foo.property("compatible").orElseThrow().string()).isEqualTo("domus,test");
        // as under Xen, the guest's GIC takes the placeholder's phandle, and every interrupt reference follows it
        int gic = merged.node("/intc@8000000").orElseThrow().property("phandle").orElseThrow().cells()[0];
        assertThat(foo.property("interrupt-parent").orElseThrow().cells()).containsExactly(gic);
        assertThat(gic).isNotEqualTo(0x8002);
        assertThat(merged.root().property("interrupt-parent").orElseThrow().cells()).containsExactly(gic);
        assertThat(merged.node("/pcie").orElseThrow().property("interrupt-map").orElseThrow().cells())
                .containsExactly(0, 0, 0, 1, gic, 0, 0, 0, 3, 4, 0, 0, 0, 2, gic, 0, 0, 0, 4, 4);
        assertThat(merged.node("/pcie").orElseThrow().property("msi-parent").orElseThrow().cells()).containsExactly(0x8003);
        assertThat(merged.node("/dev").orElseThrow().property("interrupts-extended").orElseThrow().cells())
                .containsExactly(gic, 0, 5, 4);
        assertThat(merged.node("/passthrough").orElseThrow().property("compatible").orElseThrow().string()).isEqualTo("simple-bus");
        assertThat(merged.node("/aliases").orElseThrow().properties().stream().map(p -> p.name())).containsExactlyInAnyOrder("serial0", "test");
        assertThat(merged.node("/gic")).isEmpty();
        assertThat(merged.node("/ignored")).isEmpty();
        assertThat(merged.node("/intc@8000000")).isPresent();
    }

    @Test
    void aPhandleBothTreesUseCannotBeMerged() throws Exception {
        byte[] guest = dtc("/dts-v1/;\n/ { intc { phandle = <0x8002>; }; };");
        byte[] partial = dtc("/dts-v1/;\n/ { passthrough { foo { phandle = <0x8002>; }; }; };");
        assertThatThrownBy(() -> PartialDeviceTree.merge(guest, partial, "/chosen/d/dtb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("/chosen/d/dtb: partial device tree node /passthrough/foo has phandle 0x8002, which the guest's "
                        + "/intc has too: renumber the partial tree's phandles");
    }

    @Test
    void anX86GuestHasNoTreeToMergeAPartialOneInto() throws Exception {
        modules().at(0x1000000, "bzImage", Payloads.bzImage(0x1000));
        assertThat(errors(system(HOST, "", withPartial("d", dtc("/dts-v1/;\n/ { passthrough { }; };"))))).containsExactly(
                "/chosen/d/dtb: error: an x86 guest boots without a device tree, so a partial one has nothing to merge into");
    }

    @Test
    void thePlanSaysWhatAPartialTreeMerges() throws Exception {
        byte[] partial = dtc("/dts-v1/;\n/ { gic { }; aliases { net = \"/passthrough/eth\"; }; passthrough { eth { }; foo { }; }; };");
        Plan plan = Plan.of(system(HOST, "", withPartial("d", partial)));
        assertThat(PartialDeviceTree.describe(plan.domains().getFirst().deviceTree()))
                .isEqualTo("/passthrough (eth, foo), /aliases (net); /gic is the guest's GIC");
        assertThat(List.of(plan.domains().getFirst().deviceTree().path())).containsExactly("/chosen/d/dtb");
    }
}
