/*
 * The guest of El2Bench. Host-side timestamps measure everything:
 *  0x7000 null hypercalls back to back (the host answers 0 at once): their spacing is the round trip;
 *  0x7002 (round) says it is about to wait; the host raises the upcall; on virtual INTID 31 it calls 0x7003 (round);
 *  then it idles in WFI, interrupts enabled, until the host destroys it.
 * The counts come from the host as the answer to 0x7001. Its entry code and link script are the EL2 test kernel's
 * (engine-qemu/src/test/el2/testkernel.S and .ld), named to the build.
 */
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;

extern u64 xen_hvc(u64 op, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4);
extern u64 smc0(u64 fid);

#define GICR_SGI 0x080b0000ul          /* redistributor 0's SGI/PPI frame on virt */

static volatile u32 upcalls;

#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((u64)(v)))
#define sysreg_read(r) ({ u64 v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })

void irq(void)
{
    for (;;) {
        u32 intid = (u32)sysreg_read(icc_iar1_el1);
        if (intid >= 1020) return;
        if (intid == 31) upcalls++;
        sysreg_write(icc_eoir1_el1, intid);
    }
}

/* The shared entry code's PSCI CPU_ON target: the bench runs one vCPU and never starts another. */
void secondary_main(void)
{
    for (;;) __asm__ volatile("wfi");
}

void main(void)
{
    u64 counts = xen_hvc(0x7001, 0, 0, 0, 0, 0);
    u64 nulls = counts & 0xffffffff, rounds = counts >> 32;
    for (u64 i = 0; i < nulls; i++) xen_hvc(0x7000, i, 0, 0, 0, 0);
    sysreg_write(icc_sre_el1, 7);
    __asm__ volatile("isb");
    sysreg_write(icc_pmr_el1, 0xff);
    sysreg_write(icc_igrpen1_el1, 1);
    __asm__ volatile("isb");
    /* GICR_ISENABLER0 of vCPU 0's redistributor: PPI 31, the upcall, enabled as Linux's Xen code enables it; the
     * EL2 program holds an upcall until then */
    *(volatile u32 *)(GICR_SGI + 0x100) = 1u << 31;
    __asm__ volatile("msr daifclr, #2");
    for (u64 i = 0; i < rounds; i++) {
        u32 before = upcalls;
        xen_hvc(0x7002, i, 0, 0, 0, 0);
        while (upcalls == before) __asm__ volatile("wfi");
        xen_hvc(0x7003, i, 0, 0, 0, 0);
    }
    xen_hvc(0x7004, 0, 0, 0, 0, 0);
    for (;;) __asm__ volatile("wfi");
}
