package org.domus.dom0less;

import java.util.List;

import org.domus.image.Arch;

/**
 * One domain as it will boot.
 *
 * @param id       Xen-style domain id: d0 for dom0, then d1, d2… in /chosen order
 * @param pinning  per vCPU, the pCPUs it may run on ("any" when unrestricted), e.g. ["0-3", "6"]
 * @param console  what the domain's console is: "pl011 (vpl011)", "hvc0 (PV console)", both, or "none"
 * @param storeEventChannel the event channel port Xen allocates for the domain's xenstore connection (its first
 *                 free port, after its static event channels), or 0 when it has no store
 * @param cpupool  the cpupool it runs in
 * @param uart     the guest has an emulated UART (vpl011; dom0 always): without it, its tree has none
 */
public record PlannedDomain(int id, String name, String path, long memoryKib, int vcpus, List<String> pinning,
                            Arch arch, BootModule kernel, BootModule ramdisk, BootModule deviceTree,
                            String cmdline, String console, Enhanced enhanced,
                            int storeEventChannel, Cpupool cpupool, boolean uart) {
    public PlannedDomain {
        pinning = List.copyOf(pinning);
    }
}
