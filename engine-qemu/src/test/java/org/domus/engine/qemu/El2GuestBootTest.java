package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.domus.engine.DomainSpec;
import org.domus.engine.ExitReason;
import org.domus.engine.xen.XenGuest;
import org.domus.fdt.Fdt;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's unmodified arm64 kernel (KASLR on, as shipped) under the EL2 program, with no {@code /hypervisor} node
 * yet, so Linux does not try Xen: this is the EL2 pass-through alone (timers, interrupts, SMP through PSCI, SMCs).
 */
@EndToEnd
@Timeout(180)
class El2GuestBootTest {
    private static final Duration BOOT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 2, 4})
    void debiansKernelBootsToReadyUnderTheEl2Program(int vcpus) throws Exception {
        var guest = TestGuest.arm64();
        var abi = new RecordingXenAbi();
        DomainSpec plain = guest.spec("x" + vcpus, vcpus, "poweroff", work);
        DomainSpec spec = new DomainSpec(plain.name(), plain.arch(), plain.memoryBytes(), vcpus, plain.kernel(), plain.initrd(),
                plain.cmdline(), work, new XenGuest(abi, dtb -> dtb));
        try (var d = TestQemu.ENGINE.build(spec)) {
            var console = ConsoleLog.follow(d);
            long t0 = System.nanoTime();
            d.start();
            assertThat(console.await("DOMUS-READY", BOOT)).startsWith("DOMUS-READY x%d cpus=%d mem=".formatted(vcpus, vcpus));
            System.out.printf("x%d: DOMUS-READY %d ms after start under EL2 (%d vCPUs)%n", vcpus, (System.nanoTime() - t0) / 1_000_000, vcpus);
            assertThat(console.await("started at EL1", BOOT)).contains("All CPU(s) started at EL1");
            // Linux says so on this CPU when its base address was randomised (KASLR on, as Debian ships it)
            assertThat(console.count("kernel page table isolation forced ON by KASLR")).isEqualTo(1);
            assertThat(TestQemu.exit(d, BOOT)).isEqualTo(new ExitReason.PowerOff());
        }
        assertThat(abi.calls).as("Linux without /hypervisor makes no Xen hypercall; only its PSCI SYSTEM_OFF is offered to Domus")
                .allMatch(c -> c.op() == 0x84000008L);
        assertThat(abi.ram).as("the ABI was given the domain's RAM").isNotNull();
        assertThat(El2Launch.ramFile(spec)).as("the RAM file's name is gone").doesNotExist();
    }

    @Test
    void theGuestTreeReservesTheEl2ProgramAndHidesItsChannels() throws Exception {
        TestGuest.arm64();
        var abi = new RecordingXenAbi();
        DomainSpec plain = TestGuest.arm64().spec("t2", 2, "poweroff", work);
        DomainSpec spec = new DomainSpec("t2", plain.arch(), plain.memoryBytes(), 2, plain.kernel(), plain.initrd(),
                plain.cmdline(), work, new XenGuest(abi, dtb -> dtb));
        try (var d = TestQemu.ENGINE.build(spec)) {
            Fdt qemu = Fdt.fromDtb(Files.readAllBytes(work.resolve(GuestDtb.QEMU_DTB)));
            Fdt guest = Fdt.fromDtb(Files.readAllBytes(work.resolve(GuestDtb.GUEST_DTB)));
            assertThat(qemu.node("/virtio_mmio@a003e00")).isPresent();
            assertThat(guest.node("/virtio_mmio@a003e00")).isEmpty();
            assertThat(guest.node("/virtio_mmio@a003c00")).isEmpty();
            assertThat(guest.node("/virtio_mmio@a003a00")).isPresent();
            var el2 = guest.node("/reserved-memory/domus-el2@40200000").orElseThrow();
            assertThat(el2.property("no-map")).isPresent();
            assertThat(el2.property("reg").orElseThrow().cells()).containsExactly(0, 0x40200000, 0, 0x30000);
            d.destroy();
        }
    }
}
