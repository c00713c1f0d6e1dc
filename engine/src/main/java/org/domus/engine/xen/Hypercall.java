package org.domus.engine.xen;

/**
 * One hypercall as a vCPU made it ({@code HVC #0xEA1} on Arm64): the number from x16, arguments x0–x4, and the
 * vCPU's stage-1 translation state at that instant. Pointer arguments are guest-virtual addresses, and so are
 * the handles inside the structures they point to: the host walks the guest's own page tables with
 * {@code mmu}, page by page, instead of asking the guest side to translate (which could only do the top level).
 *
 * @param vcpu the calling vCPU's index (0-based, in the guest's MPIDR order)
 */
public record Hypercall(int vcpu, long op, long a0, long a1, long a2, long a3, long a4, Stage1 mmu) {
    /** The calling vCPU's EL1 translation registers, read at the trap. */
    public record Stage1(long sctlr, long tcr, long ttbr0, long ttbr1) {
        /** SCTLR_EL1.M: with the MMU off, guest-virtual is guest-physical. */
        public boolean mmuOn() {
            return (sctlr & 1) != 0;
        }
    }
}
