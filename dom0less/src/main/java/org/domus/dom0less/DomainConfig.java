package org.domus.dom0less;

import java.util.List;

/**
 * One domain as the device tree describes it: a {@code xen,domain} node under /chosen, or dom0 (the kernel
 * module directly under /chosen). Values are as read; {@link Validator} decides whether they are usable.
 *
 * @param path           device-tree path (/chosen for dom0)
 * @param name           the node name (Xen has no name property); "Domain-0" for dom0
 * @param memoryKib      {@code memory} in KiB, or -1 when missing or malformed
 * @param cpus           {@code cpus}, or -1 when missing
 * @param cmdline        the kernel command line by Xen's precedence rules, or "" (after rewrites)
 * @param cpupoolPath    path of the {@code domain-cpupool} node, or null
 * @param nrSpis         {@code nr_spis}, or -1 when absent (read, not used: see the ignored-property warning)
 * @param maxGrantFrames -1 when not given (Xen's default)
 * @param capabilities   {@code capabilities} bits, 0 when absent; 0x7 (control, hardware, xenstore) for dom0
 */
public record DomainConfig(
        String path, String name, boolean dom0,
        long memoryKib, int cpus, boolean vpl011, Enhanced enhanced,
        BootModule kernel, BootModule ramdisk, BootModule deviceTree, String cmdline,
        List<VcpuAffinity> vcpus, List<StaticEventChannel> eventChannels,
        String cpupoolPath, int nrSpis, boolean directMap, List<long[]> staticMem,
        long maxGrantFrames, long maxMaptrackFrames, int capabilities) {
    public DomainConfig {
        vcpus = List.copyOf(vcpus);
        eventChannels = List.copyOf(eventChannels);
        staticMem = List.copyOf(staticMem);
    }
}
