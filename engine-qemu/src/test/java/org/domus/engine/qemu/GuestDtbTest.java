package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.domus.engine.DomainSpec;
import org.domus.engine.EngineException;
import org.domus.engine.GuestMachine;
import org.domus.engine.xen.XenGuest;
import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's device tree as the engine makes it from QEMU's own (a real {@code -machine dumpdtb}): a domain without a
 * UART has no PL011 and no stdout-path, its GIC is the version asked for, and the edit made above the engine is in it.
 * The domains are built (QEMU started, stopped) and destroyed; nothing boots.
 */
class GuestDtbTest {
    @TempDir
    Path work;

    private DomainSpec spec(String name, GuestMachine machine) {
        DomainSpec plain = TestGuest.arm64().spec(name, 1, "poweroff", work.resolve(name));
        return new DomainSpec(name, plain.arch(), plain.memoryBytes(), 1, plain.kernel(), plain.initrd(), plain.cmdline(),
                plain.workDir(), null, null, machine);
    }

    private Fdt built(DomainSpec spec, String file) throws Exception {
        Files.createDirectories(spec.workDir());
        try (var d = TestQemu.ENGINE.build(spec)) {
            d.destroy();
            return Fdt.fromDtb(Files.readAllBytes(spec.workDir().resolve(file)));
        }
    }

    private static String compatible(Fdt fdt, String path) {
        return fdt.node(path).orElseThrow().property("compatible").orElseThrow().string();
    }

    @Test
    void aDomainWithoutAUartHasNoPl011NorStdoutPathInItsTree() throws Exception {
        DomainSpec spec = spec("nouart", new GuestMachine(3, false, null));
        Fdt guest = built(spec, GuestDtb.GUEST_DTB);
        Fdt qemu = Fdt.fromDtb(Files.readAllBytes(spec.workDir().resolve(GuestDtb.QEMU_DTB)));
        assertThat(qemu.node("/pl011@9000000")).isPresent();
        assertThat(qemu.node("/chosen").orElseThrow().property("stdout-path")).isPresent();
        assertThat(guest.root().children()).noneMatch(n -> n.name().startsWith("pl011"));
        assertThat(guest.node("/chosen").orElseThrow().property("stdout-path")).isEmpty();
        assertThat(guest.node("/aliases").map(a -> a.property("serial0").isPresent()).orElse(false)).isFalse();
        // the rest is QEMU's: its GIC, and its other devices
        assertThat(compatible(guest, "/intc@8000000")).isEqualTo("arm,gic-v3");
        assertThat(guest.node("/pl061@9030000")).isPresent();
    }

    @Test
    void gicVersion2IsQemusGicV2AndTheEditAboveTheEngineIsMade() throws Exception {
        Node probe = new Node("probe", List.of(Property.ofString("compatible", "domus,test")), List.of());
        DomainSpec spec = spec("gic2", new GuestMachine(2, true, dtb -> {
            try {
                return Fdt.fromDtb(dtb).edit("/", r -> r.withChild(probe)).toDtb();
            } catch (org.domus.fdt.FdtException e) {
                throw new IllegalArgumentException(e);
            }
        }));
        Fdt guest = built(spec, GuestDtb.GUEST_DTB);
        assertThat(compatible(guest, "/intc@8000000")).isEqualTo("arm,cortex-a15-gic");
        assertThat(compatible(guest, "/probe")).isEqualTo("domus,test");
        assertThat(guest.node("/pl011@9000000")).as("a domain with vpl011 keeps its UART").isPresent();
    }

    @Test
    void anEditThatFailsIsTheDomainsError() throws Exception {
        DomainSpec spec = spec("bad", new GuestMachine(3, true, dtb -> {
            throw new IllegalArgumentException("/chosen/bad/dtb: phandle 0x8001 is QEMU's too");
        }));
        Files.createDirectories(spec.workDir());
        assertThatThrownBy(() -> TestQemu.ENGINE.build(spec)).isInstanceOf(EngineException.class)
                .hasMessage("bad: /chosen/bad/dtb: phandle 0x8001 is QEMU's too");
    }

    @Test
    void gicV2ServesAtMostEightVcpus() throws Exception {
        DomainSpec one = spec("wide", new GuestMachine(2, true, null));
        DomainSpec wide = new DomainSpec("wide", one.arch(), one.memoryBytes(), 9, one.kernel(), one.initrd(), one.cmdline(),
                one.workDir(), null, null, one.machine());
        assertThatThrownBy(() -> TestQemu.ENGINE.build(wide)).hasMessage("wide: 9 vCPUs on GICv2, which serves at most 8");
    }

    @Test
    void aXenGuestNeedsGicV3() throws Exception {
        DomainSpec one = spec("xen2", new GuestMachine(2, false, null));
        DomainSpec xen = new DomainSpec("xen2", one.arch(), one.memoryBytes(), 1, one.kernel(), one.initrd(), one.cmdline(),
                one.workDir(), new XenGuest(new RecordingXenAbi(), t -> t), null, one.machine());
        assertThatThrownBy(() -> El2Launch.check(xen)).hasMessage("xen2: a Xen guest on the qemu engine needs GICv3 "
                + "(the EL2 program injects its interrupts through GICv3 list registers), not GICv2");
    }
}
