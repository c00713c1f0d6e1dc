package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.domain;
import static org.domus.dom0less.ValidatorFixtures.lines;
import static org.domus.dom0less.ValidatorFixtures.load;

import org.junit.jupiter.api.Test;

/** Dom0 from modules under /chosen, Xen's own command line, and whose bootargs each domain gets. */
class ValidatorDom0Test {
    private static final int K = 0x1000;

    private static TestModules modules() {
        return new TestModules().at(0x400000, "dom0-Image", Payloads.arm64Image(K))
                .at(0x800000, "dom0-initrd", Payloads.cpio(K)).at(0x1000000, "Image", Payloads.arm64Image(K))
                .at(0x3000000, "initrd", Payloads.cpio(K));
    }

    @Test
    void dom0FromChosenWithXenOptions() {
        SystemConfig system = load("dom0.dts", modules());
        assertThat(lines(system)).containsExactly("/chosen: warning: the dom0 kernel module's bootargs and "
                + "xen,dom0-bootargs differ: Domus uses the module's (booting.txt), Xen's code the other");
        assertThat(system.domains()).extracting(DomainConfig::name).containsExactly("Domain-0", "domU1");
        DomainConfig dom0 = system.domains().getFirst();
        assertThat(dom0.dom0()).isTrue();
        assertThat(dom0.path()).isEqualTo("/chosen");
        assertThat(dom0.memoryKib()).isEqualTo(1 << 20);
        assertThat(dom0.cpus()).isEqualTo(2);
        assertThat(dom0.cmdline()).isEqualTo("console=hvc0 root=/dev/ram");
        assertThat(dom0.kernel().path()).isEqualTo("/chosen/module@400000");
        assertThat(dom0.ramdisk().path()).isEqualTo("/chosen/module@800000");
        assertThat(system.xen()).isEqualTo(new XenCommandLine(
                "console=dtuart dom0_mem=1G dom0_max_vcpus=2 sched=null conswitch=bx", "null", 'b', 1 << 20));
        // /chosen bootargs and xen,dom0-bootargs never reach a domU
        assertThat(domain(system, "domU1").cmdline()).isEmpty();
    }

    @Test
    void dom0DefaultsLegacyCompatibleAndAnInitrdFromChosen() {
        SystemConfig system = load("dom0-defaults.dts", modules());
        assertThat(lines(system)).containsExactly("/chosen: warning: no dom0_mem= in Xen's command line: dom0 gets "
                + "512 MiB, as Xen does (\"PLEASE SPECIFY dom0_mem PARAMETER\")");
        DomainConfig dom0 = system.domains().getFirst();
        assertThat(dom0.memoryKib()).isEqualTo(512 * 1024);
        assertThat(dom0.cpus()).isEqualTo(8);
        assertThat(dom0.cmdline()).isEqualTo("console=hvc0 root=/dev/vda");
        assertThat(dom0.ramdisk().path()).isEqualTo("/chosen");
        assertThat(dom0.ramdisk().address()).isEqualTo(0x800000);
        assertThat(dom0.ramdisk().size()).isEqualTo(K);
        // with xen,dom0-bootargs present and no xen,xen-bootargs, Xen takes /chosen bootargs for itself
        assertThat(system.xen().raw()).isEqualTo("console=ttyAMA0 earlycon");
    }

    @Test
    void kindlessModulesAreGuessedAsXenDoesAndChosenBootargsGoToDom0() {
        SystemConfig system = load("dom0-chosen-bootargs.dts", modules());
        assertThat(lines(system)).containsExactly(
                "/chosen/module@400000: warning: compatible names no kind: taken as the kernel, as Xen guesses for "
                        + "the first module without one",
                "/chosen/module@800000: warning: compatible names no kind: taken as the ramdisk, as Xen guesses for "
                        + "the second module without one",
                "/chosen/module@900000: warning: compatible names no kind, and Xen guesses only the first two such "
                        + "modules (kernel, ramdisk): ignored");
        DomainConfig dom0 = system.domains().getFirst();
        assertThat(dom0.cmdline()).isEqualTo("console=ttyAMA0 earlycon");
        assertThat(dom0.memoryKib()).isEqualTo(0x40000); // dom0_mem without a suffix is in KiB
    }

    @Test
    void xenOptionsThatDoNotParse() {
        SystemConfig system = load("xen-bootargs.dts", modules());
        assertThat(lines(system)).containsExactly(
                "/chosen: warning: sched=fifo is not a Xen scheduler (credit, credit2, null, rtds, arinc653): Xen "
                        + "falls back to credit2",
                "/chosen: warning: conswitch=1 is not a lower-case letter optionally followed by x: using Ctrl-a",
                "/chosen: warning: dom0_mem=12Q is not a size (a number with K, M, G, T or B; no suffix means KiB): "
                        + "ignored",
                "/chosen: warning: dom0_max_vcpus=lots is not a number: dom0 gets every host CPU",
                "/chosen: warning: no dom0_mem= in Xen's command line: dom0 gets 512 MiB, as Xen does (\"PLEASE "
                        + "SPECIFY dom0_mem PARAMETER\")");
        assertThat(system.xen()).isEqualTo(new XenCommandLine(
                "sched=fifo conswitch=1 dom0_mem=12Q dom0_max_vcpus=lots", "credit2", 'a', -1));
    }

    @Test
    void legacyCompatiblesInADomUAndModulesWithoutAKind() {
        var modules = modules().at(0x9000000, "blob", Payloads.noise(K)).at(0xa000000, "xsm", Payloads.noise(K));
        SystemConfig system = load("legacy-module.dts", modules);
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1/module@1000000: error: \"xen,linux-zimage\" is a dom0-only compatible: Xen finds a "
                        + "domain's modules by \"multiboot,kernel\", so it would not see this one",
                "/chosen/domU1/module@9000000: warning: compatible names no kind (multiboot,kernel, multiboot,ramdisk "
                        + "or multiboot,device-tree): Xen's domain builder ignores it",
                "/chosen/domU1/module@a000000: warning: an XSM policy has no meaning for Domus: ignored");
        assertThat(domain(system, "domU1").kernel().path()).isEqualTo("/chosen/domU1/module@1000000");
    }

    @Test
    void domUBootargsFromTheKernelAndXensDifferentLookups() {
        SystemConfig system = load("bootargs-order.dts", modules());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1@1: warning: bootargs on /chosen/domU1@1/module@3000000 and on the kernel "
                        + "/chosen/domU1@1/module@1000000 differ: Domus uses the kernel's, Xen the first in tree order",
                "/chosen/domU1@1: warning: Xen files module bootargs under \"domU1@1\" but looks them up as "
                        + "\"domU1\", so under Xen this domain boots with no command line; Domus uses them");
        assertThat(domain(system, "domU1@1").cmdline()).isEqualTo("console=ttyAMA0 quiet");
    }

    @Test
    void aDomUCalledDomain0BesideDom0() {
        assertThat(lines(load("duplicate-name-dom0.dts", modules()))).containsExactly("/chosen/Domain-0: error: "
                + "domain name \"Domain-0\" is dom0's (the kernel module under /chosen): consoles and commands could "
                + "not tell them apart");
    }
}
