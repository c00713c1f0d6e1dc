package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.checks;
import static org.domus.dom0less.ValidatorFixtures.domain;
import static org.domus.dom0less.ValidatorFixtures.errors;
import static org.domus.dom0less.ValidatorFixtures.lines;
import static org.domus.dom0less.ValidatorFixtures.load;
import static org.domus.dom0less.ValidatorFixtures.warnings;

import org.domus.image.Arch;
import org.domus.image.ImageFormat;
import org.domus.image.ImageInfo;
import org.junit.jupiter.api.Test;

/** One fixture per rule (resources/validate/), asserting the exact lines a user would see. */
class ValidatorTest {
    private static final int K = 0x1000;

    /** A kernel (and nothing else) for every domain whose kernel sits at 0x1000000 or 0x2000000. */
    private static TestModules kernels() {
        return new TestModules().at(0x1000000, "Image", Payloads.arm64Image(K))
                .at(0x2000000, "Image2", Payloads.arm64Image(K));
    }

    // ---- the seed's example ----

    @Test
    void seedExampleWithExactSizesHasNoErrors() {
        var modules = new TestModules().at(0x2000000, "Image-DomU", Payloads.arm64Image(0xffffff))
                .at(0x3000000, "ramdisk-DomU", Payloads.cpio(0xffffff));
        SystemConfig system = load("seed-domU1.dts", modules);

        // the one warning: the seed names the ramdisk node module@30000000 but loads it at 0x3000000
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1/module@30000000: warning: unit address 30000000 differs from reg address 0x3000000");
        assertThat(system.hasErrors()).isFalse();
        DomainConfig d = domain(system, "domU1");
        assertThat(d.path()).isEqualTo("/chosen/domU1");
        assertThat(d.dom0()).isFalse();
        assertThat(d.memoryKib()).isEqualTo(0x20000);
        assertThat(d.cpus()).isEqualTo(1);
        assertThat(d.vpl011()).isTrue();
        assertThat(d.enhanced()).isEqualTo(Enhanced.NONE);
        assertThat(d.cmdline()).isEqualTo("console=ttyAMA0");
        assertThat(d.kernel().address()).isEqualTo(0x2000000);
        assertThat(d.kernel().size()).isEqualTo(0xffffff);
        assertThat(d.kernel().image().format()).isEqualTo(ImageFormat.ARM64_IMAGE);
        assertThat(d.kernel().image().arch()).isEqualTo(Arch.ARM64);
        assertThat(d.ramdisk().image().format()).isEqualTo(ImageFormat.CPIO);
        assertThat(system.xen()).isEqualTo(new XenCommandLine("", "credit2", 'a', -1));
    }

    @Test
    void seedExampleWithARamdiskOfAnotherSizeHasExactlyTheSizeError() {
        var modules = new TestModules().at(0x2000000, "Image-DomU", Payloads.arm64Image(0xffffff))
                .at(0x3000000, "/srv/tftp/ramdisk-DomU", Payloads.cpio(0x9a1200));
        SystemConfig system = load("seed-domU1.dts", modules);

        assertThat(errors(system)).containsExactly("/chosen/domU1/module@30000000: error: reg size 0xffffff does not "
                + "match file size 0x9a1200 (/srv/tftp/ramdisk-DomU)");
        assertThat(checks(system)).containsExactly("unit-address", "module-size");
    }

    // ---- /chosen and domains ----

    @Test
    void noChosenNode() {
        assertThat(lines(load("no-chosen.dts", ModuleSource.none())))
                .containsExactly("/chosen: error: no /chosen node: nothing to boot");
    }

    @Test
    void noDomains() {
        SystemConfig system = load("no-domains.dts", ModuleSource.none());
        assertThat(lines(system)).containsExactly("/chosen: error: no domains: no child of /chosen is compatible "
                + "with \"xen,domain\" and there is no dom0 kernel module");
        assertThat(system.domains()).isEmpty();
    }

    @Test
    void aNodeThatLooksLikeADomainWithoutXenDomainIsSkippedWithAWarning() {
        SystemConfig system = load("domain-compatible.dts", kernels());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU2: warning: has memory, cpus, boot modules but its compatible lacks \"xen,domain\": "
                        + "Xen skips it, and so does Domus",
                "/chosen/framebuffer: warning: not a domain, boot module, cpupool or event channel: ignored");
        assertThat(system.domains()).extracting(DomainConfig::name).containsExactly("domU1");
    }

    @Test
    void missingKernel() {
        var modules = new TestModules().at(0x3000000, "initrd", Payloads.cpio(K));
        assertThat(lines(load("missing-kernel.dts", modules))).containsExactly("/chosen/domU1: error: missing kernel "
                + "boot module (a sub-node compatible with \"multiboot,kernel\", \"multiboot,module\")");
    }

    @Test
    void moreThanOneKernelOrRamdisk() {
        var modules = kernels().at(0x3000000, "r1", Payloads.cpio(K)).at(0x4000000, "r2", Payloads.cpio(K));
        SystemConfig system = load("duplicate-module.dts", modules);
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1/module@2000000: error: a second kernel module in this domain (the first is "
                        + "/chosen/domU1/module@1000000)",
                "/chosen/domU1/module@4000000: error: a second ramdisk module in this domain (the first is "
                        + "/chosen/domU1/module@3000000)");
        assertThat(domain(system, "domU1").kernel().path()).isEqualTo("/chosen/domU1/module@1000000");
    }

    // ---- reg and cells ----

    @Test
    void regShorterThanOnePairRaggedOrWithExtraPairs() {
        var modules = new TestModules().at(0x3000000, "initrd", Payloads.cpio(K));
        assertThat(lines(load("reg-length.dts", modules))).containsExactly(
                "/chosen/domU1/module@1000000: error: reg property length is too short: 4 bytes, #address-cells 1 "
                        + "+ #size-cells 1 need 8",
                "/chosen/domU1/module@3000000: warning: reg has 16 bytes, one (address, size) pair is 8: only the "
                        + "first is used",
                "/chosen/domU1/module@5000000: error: reg has 3 cells, not a whole number of (address, size) pairs of "
                        + "#address-cells 1 + #size-cells 1");
    }

    @Test
    void regMissing() {
        assertThat(lines(load("reg-missing.dts", kernels()))).containsExactly(
                "/chosen/domU1/module@1000000: error: missing reg property (Xen: \"node module@1000000 missing "
                        + "`reg' property\")");
    }

    @Test
    void badCellSizesAreReportedOnceOnTheNodeThatHasThem() {
        SystemConfig system = load("address-cells.dts", kernels());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1: error: #address-cells is 0: module reg needs at least 1 (Xen: \"invalid "
                        + "#address-cells or #size-cells\")",
                "/chosen/domU1: error: #size-cells is 2 bytes, needs one cell");
    }

    @Test
    void cellSizesAreInheritedFromChosenThenTheRootDefaults() {
        SystemConfig fromChosen = load("cells-inherited.dts", kernels());
        assertThat(lines(fromChosen)).isEmpty();
        assertThat(domain(fromChosen, "domU1").kernel().address()).isEqualTo(0x1000000);

        var high = new TestModules().at(0x100000000L, "Image", Payloads.arm64Image(K));
        SystemConfig fromRoot = load("cells-root-default.dts", high);
        assertThat(lines(fromRoot)).isEmpty();
        assertThat(domain(fromRoot, "domU1").kernel().address()).isEqualTo(0x100000000L);
        assertThat(domain(fromRoot, "domU1").kernel().size()).isEqualTo(K);
    }

    // ---- module bytes ----

    @Test
    void gzipKernelOfTheWrongSizeSaysWhyItMattersMore() {
        byte[] gz = Payloads.gzip(Payloads.arm64Image(0x10000));
        var modules = new TestModules().at(0x1000000, "Image.gz", gz);
        SystemConfig system = load("module-size-gzip.dts", modules);
        assertThat(lines(system)).containsExactly(("/chosen/domU1/module@1000000: error: reg size 0xffffff does not "
                + "match file size 0x%x (Image.gz); the file is gzip, and Xen reads the decompressed size from the "
                + "last 4 bytes of the reg region, which are then not the gzip trailer").formatted(gz.length));
    }

    @Test
    void gzipKernelOfTheExactSizeIsBootable() {
        byte[] gz = Payloads.gzip(Payloads.arm64Image(0x10000));
        assertThat(gz.length).isLessThan(0xffffff);
        byte[] padded = java.util.Arrays.copyOf(gz, 0xffffff);
        // the same bytes padded to reg's size: size matches, and the probe still finds gzip of an Arm64 Image
        SystemConfig system = load("module-size-gzip.dts", new TestModules().at(0x1000000, "Image.gz", padded));
        assertThat(errors(system)).isEmpty();
        ImageInfo image = domain(system, "domU1").kernel().image();
        assertThat(image.format()).isEqualTo(ImageFormat.GZIP);
        assertThat(image.inner()).isEqualTo(ImageFormat.ARM64_IMAGE);
    }

    @Test
    void nothingLoadedAtTheAddressOrNoSuchUefiFile() {
        SystemConfig system = load("module-missing.dts", ModuleSource.none());
        assertThat(lines(system)).containsExactly(
                "/chosen/domU1/module@1000000: error: nothing loaded at 0x1000000",
                "/chosen/domU1/module@3000000: error: xen,uefi-binary file \"initrd.cpio\" not found");
    }

    @Test
    void aUefiBinaryWithoutRegTakesTheFileSize() {
        var modules = kernels().uefi("initrd.cpio", Payloads.cpio(0x2345));
        SystemConfig system = load("module-missing.dts", modules);
        assertThat(lines(system)).isEmpty();
        BootModule ramdisk = domain(system, "domU1").ramdisk();
        assertThat(ramdisk.size()).isEqualTo(0x2345);
        assertThat(ramdisk.uefiBinary()).isEqualTo("initrd.cpio");
    }

    @Test
    void overlappingModulesAcrossDomainsButASharedKernelIsFine() {
        var modules = kernels().at(0x1000800, "initrd", Payloads.cpio(K)).at(0x1000f00, "Image3",
                Payloads.arm64Image(K));
        assertThat(lines(load("module-overlap.dts", modules))).containsExactly(
                "/chosen/domU1/module@1000800: error: module 0x1000800-0x10017ff overlaps "
                        + "/chosen/domU1/module@1000000 (0x1000000-0x1000fff)",
                "/chosen/domU3/module@1000f00: error: module 0x1000f00-0x1001eff overlaps "
                        + "/chosen/domU1/module@1000000 (0x1000000-0x1000fff)",
                "/chosen/domU3/module@1000f00: error: module 0x1000f00-0x1001eff overlaps "
                        + "/chosen/domU1/module@1000800 (0x1000800-0x10017ff)");
    }

    // ---- memory ----

    @Test
    void memoryMissingOrOneCell() {
        assertThat(lines(load("memory-missing.dts", kernels())))
                .containsExactly("/chosen/domU1: error: cannot read \"memory\" property: missing");
        assertThat(lines(load("memory-one-cell.dts", kernels()))).containsExactly(
                "/chosen/domU1: error: cannot read \"memory\" property: 1 cell, needs 2 cells (a 64-bit size in KiB)");
    }

    @Test
    void memoryZeroOrNotWholePages() {
        assertThat(lines(load("memory-zero.dts", kernels()))).containsExactly("/chosen/domU1: error: memory is 0 KiB");
        assertThat(lines(load("memory-alignment.dts", kernels()))).containsExactly(
                "/chosen/domU1: error: memory 0x20001 KiB is not a whole number of 4 KiB pages");
    }

    @Test
    void oneDomainLargerThanTheHostIsAnError() {
        assertThat(lines(load("memory-host.dts", kernels()))).containsExactly(
                "/chosen/domU1: error: memory 0x40000000 KiB (1 TiB) exceeds the host's 16 GiB (memory is in KiB)");
    }

    @Test
    void allDomainsTogetherLargerThanTheHostIsAWarning() {
        SystemConfig system = load("memory-total.dts", kernels());
        assertThat(lines(system)).containsExactly("/chosen: warning: the domains' memory adds up to 20 GiB, the host "
                + "has 16 GiB: they boot, but fail if the guests use it all");
    }

    // ---- cpus ----

    @Test
    void cpusMissingZeroOrBeyondXensLimit() {
        assertThat(lines(load("cpus-missing.dts", kernels())))
                .containsExactly("/chosen/domU1: error: missing property 'cpus' (one cell: the number of vCPUs)");
        assertThat(lines(load("cpus-zero.dts", kernels()))).containsExactly("/chosen/domU1: error: cpus is 0");
        assertThat(lines(load("cpus-range.dts", kernels())))
                .containsExactly("/chosen/domU1: error: cpus 200 exceeds Xen's limit of 128 vCPUs per domain");
    }

    @Test
    void moreVcpusThanHostCpusIsOvercommitUnderCredit2() {
        assertThat(lines(load("cpus-host.dts", kernels()))).containsExactly(
                "/chosen/domU1: warning: cpus 12 exceeds the host's 8 CPUs: its vCPUs will share them (overcommit)");
    }

    @Test
    void moreVcpusThanHostCpusIsAnErrorUnderSchedNull() {
        SystemConfig system = load("cpus-host-null.dts", kernels());
        assertThat(lines(system)).containsExactly("/chosen/domU1: error: cpus 12 exceeds the host's 8 CPUs: "
                + "sched=null gives each vCPU a CPU of its own");
        assertThat(system.xen().nullScheduler()).isTrue();
    }

    @Test
    void allVcpusTogetherBeyondTheHostUnderSchedNull() {
        assertThat(lines(load("cpus-total-null.dts", kernels()))).containsExactly("/chosen: error: the domains have "
                + "10 vCPUs in total, the host has 8 CPUs: sched=null gives each vCPU a CPU of its own");
    }

    @Test
    void duplicateDomainNames() {
        assertThat(lines(load("duplicate-name.dts", kernels()))).containsExactly(
                "/chosen/domU1@1: error: domain name \"domU1\" is also /chosen/domU1's: Xen finds a domain's bootargs "
                        + "by this name, so both would get the first one's command line");
    }
}
