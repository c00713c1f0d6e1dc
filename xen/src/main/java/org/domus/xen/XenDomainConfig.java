package org.domus.xen;

/**
 * What the Xen ABI needs to know of a domain when it is built.
 *
 * @param domid     its id, as the other domains name it in event-channel calls
 * @param vcpus     vCPUs, numbered as the engine numbers them in {@code Hypercall.vcpu}
 * @param ramBase   guest-physical address of its RAM
 * @param ramBytes  RAM size
 * @param xenstore  {@code xen,enhanced} with a store ("enabled", "legacy", empty): a store event channel and
 *                  STORE_PFN; false for "no-xenstore"
 * @param layout    where the grant frames and magic pages sit
 */
public record XenDomainConfig(int domid, int vcpus, long ramBase, long ramBytes, boolean xenstore, XenLayout layout) {
    /** Xen's guest vCPU limit on Arm. */
    public static final int MAX_VCPUS = 128;

    public XenDomainConfig {
        if (domid < 0 || domid >= 0x7FF0) {
            throw new IllegalArgumentException("domid " + domid + " is not an ordinary domain's (0..0x7fef)");
        }
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("a Xen guest has 1.." + MAX_VCPUS + " vCPUs, not " + vcpus);
        }
        if (layout.reservedBase() < ramBase || layout.reservedBase() + layout.reservedSize() > ramBase + ramBytes) {
            throw new IllegalArgumentException("the Xen region must lie inside the guest's RAM");
        }
    }

    /** The usual layout: the Xen region at the top of RAM. */
    public XenDomainConfig(int domid, int vcpus, long ramBase, long ramBytes, boolean xenstore) {
        this(domid, vcpus, ramBase, ramBytes, xenstore, XenLayout.topOfRam(ramBase, ramBytes));
    }
}
