package org.domus.dom0less;

import java.util.BitSet;

/**
 * A {@code xen,vcpu} sub-node: vCPU {@code id} may run only on the pCPUs in {@code hardAffinity}; an empty set
 * means the node gives no {@code hard-affinity} (the vCPU is not pinned).
 */
public record VcpuAffinity(String path, int id, BitSet hardAffinity) {
    public VcpuAffinity {
        hardAffinity = (BitSet) hardAffinity.clone();
    }

    @Override
    public BitSet hardAffinity() {
        return (BitSet) hardAffinity.clone();
    }
}
