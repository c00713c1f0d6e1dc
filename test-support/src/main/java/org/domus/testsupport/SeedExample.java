package org.domus.testsupport;

/**
 * The seed document's dom0less example (docs/features/dom0less.pandoc, "Loading binaries into memory"): the boot
 * scripts that load it over TFTP and the tree they load, with Domain-0 at 0x80000 and domU1's kernel and ramdisk at
 * 0x2000000 and 0x3000000. The U-Boot replay's unit tests and the cli's end-to-end boot both use it.
 */
public final class SeedExample {
    /** The seed's second boot script, byte for byte. */
    public static final String SECOND_SCRIPT = """
                tftpb 0x1280000 xen.dtb
                tftpb 0x80000 xen-Image
                tftpb 0x1400000 xen.ub
                tftpb 0x9000000 xen-rootfs.cpio.gz.u-boot

                tftpb 0x2000000 Image-DomU
                tftpb 0x3000000 ramdisk-DomU

                bootm 0x1400000 0x9000000 0x1280000
            """;
    /** The seed's first boot script, with its typo on line 2. */
    public static final String FIRST_SCRIPT = """
                tftpb 0x1280000 xen.dtb
                tftpb 0x0x80000 xen-Image
                tftpb 0x1400000 xen.ub
                tftpb 0x9000000 xen-rootfs.cpio.gz.u-boot

                bootm 0x1400000 0x9000000 0x1280000
            """;

    private SeedExample() {
    }

    /**
     * The seed's tree: Domain-0 under /chosen and domU1 (128 MiB, one vCPU, a vpl011) as the seed writes them, with the
     * given command lines and the sizes of what the script loads.
     */
    public static TestTree tree(String xenBootargs, String dom0Args, long dom0KernelSize, String domUArgs,
            long domUKernelSize, long domURamdiskSize) {
        return TestTree.of(DomainNode.plain("domU1", domUArgs).withKernel(BootModule.at(0x2000000, domUKernelSize))
                .withRamdisk(BootModule.at(0x3000000, domURamdiskSize)))
                .withDom0(xenBootargs, dom0Args, BootModule.at(0x80000, dom0KernelSize));
    }
}
