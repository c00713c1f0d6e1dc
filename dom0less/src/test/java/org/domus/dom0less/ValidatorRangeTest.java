package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.checks;
import static org.domus.dom0less.ValidatorFixtures.lines;
import static org.domus.dom0less.ValidatorFixtures.load;

import org.junit.jupiter.api.Test;

/** Addresses that do not fit: a reg beyond 64 bits, the initrd a boot loader announces in /chosen, and a dom0 ramdisk without dom0. */
class ValidatorRangeTest {
    private static final int K = 0x1000;

    private static TestModules modules() {
        return new TestModules().at(0x400000, "dom0-Image", Payloads.arm64Image(K))
                .at(0x800000, "dom0-initrd", Payloads.cpio(K)).at(0x1000000, "Image", Payloads.arm64Image(K));
    }

    @Test
    void aRegBeyond64BitsOrPastTheAddressSpaceIsAnError() {
        SystemConfig system = load("reg-range.dts", modules());
        assertThat(system.problems()).filteredOn(p -> p.check().equals("reg-range")).extracting(Problem::toString)
                .containsExactly("/chosen/domU1/module@1000000: error: reg address does not fit in 64 bits",
                        "/chosen/domU2/module@fffffffffffff000: error: reg 0xfffffffffffff000 + 0x2000 runs past the "
                                + "end of the 64-bit address space");
        assertThat(system.hasErrors()).isTrue();
    }

    @Test
    void anInitrdStartWithoutEndIsAnError() {
        assertThat(lines(load("initrd-end-missing.dts", modules())))
                .containsExactly("/chosen: error: linux,initrd-end not present but -start was");
    }

    @Test
    void anInitrdThatEndsBeforeItStartsIsAnError() {
        assertThat(lines(load("initrd-limits.dts", modules())))
                .containsExactly("/chosen: error: linux,initrd limits invalid: 0x801000 >= 0x800000");
    }

    @Test
    void anInitrdLimitOfAnotherLengthThanOneOrTwoCellsIsAnError() {
        assertThat(lines(load("initrd-length.dts", modules())))
                .containsExactly("/chosen: error: linux,initrd-start property has invalid length 3 (needs 4 or 8)");
    }

    @Test
    void aDom0RamdiskWithoutADom0KernelIsAWarningAndDom0lessGoesOn() {
        SystemConfig system = load("dom0-module-unused.dts", modules());
        assertThat(lines(system)).containsExactly("/chosen: warning: a dom0 ramdisk or event channel without a dom0 "
                + "kernel module: unused (dom0less)");
        assertThat(checks(system)).containsExactly("dom0-module-unused");
        assertThat(system.domains()).extracting(DomainConfig::name).containsExactly("domU1");
    }
}
