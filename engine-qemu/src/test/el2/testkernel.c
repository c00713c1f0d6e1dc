/*
 * The test kernel's program. Every step reports through hypercalls, which the test's XenAbi records:
 *  0x1001 (0x1111..0x5555) with known TTBR0/TTBR1/TCR, then 0x1002 (what 0x1001 returned): registers and x0;
 *  HOSTILE random calls, then 0x1003 (count, sum of results);
 *  UPCALLS rounds of 0x2001 (round) -> wait for virtual INTID 31 -> 0x2002 (round, INTID);
 *  eight SGIs to itself with interrupts masked (more than the 4 list registers), then 0x3001 (SGIs seen);
 *  on a 2-vCPU machine, vCPU 1 (started with PSCI CPU_ON, so through the EL2 program) calls 0x4001 (MPIDR), waits
 *  for its own upcall and calls 0x4002 (round, INTID), while vCPU 0 goes on with the steps above;
 *  then PSCI SYSTEM_OFF.
 * If the first call, 0x1000, returns 1, it is a hostile guest instead: it makes its channel's transmit descriptor
 * point at 4 MiB of its RAM, calls (QEMU streams those bytes to Domus), fills its channel page with garbage, and
 * keeps calling (its calls now go nowhere; it hurts only itself).
 */
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;

#define HOSTILE 20000
#define UPCALLS 20
#define GICR_SGI 0x080b0000ul          /* redistributor 0's SGI/PPI frame on virt */

extern u64 xen_hvc(u64 op, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4);
extern u64 smc0(u64 fid);
extern u64 smc3(u64 fid, u64 a1, u64 a2, u64 a3);
extern char secondary_entry[];

static volatile u32 upcalls, last_intid, sgis, upcalls1, secondary_done;

#define sysreg_read(r) ({ u64 v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((u64)(v)))

void irq(void)
{
    for (;;) {
        u32 intid = (u32)sysreg_read(icc_iar1_el1);
        if (intid >= 1020) return;
        if (intid == 31 && (sysreg_read(mpidr_el1) & 0xff) == 1) {
            upcalls1++;
        } else if (intid == 31) {
            last_intid = intid;
            upcalls++;
        } else if (intid < 16) {
            sgis |= 1u << intid;
        }
        sysreg_write(icc_eoir1_el1, intid);
    }
}

static u64 rng = 0x2545f4914f6cdd1dull;
static u64 next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static void gic_cpu_on(void)
{
    sysreg_write(icc_sre_el1, 7);
    __asm__ volatile("isb");
    sysreg_write(icc_pmr_el1, 0xff);
    sysreg_write(icc_igrpen1_el1, 1);
    __asm__ volatile("isb");
    /* GICR_ISENABLER0: PPI 31, the upcall, on this CPU's redistributor, as Linux's Xen code enables it (the EL2
     * program holds an upcall until then) */
    *(volatile u32 *)(GICR_SGI + (sysreg_read(mpidr_el1) & 0xff) * 0x20000ul + 0x100) = 1u << 31;
}

void secondary_main(void)
{
    gic_cpu_on();
    __asm__ volatile("msr daifclr, #2");
    for (u32 i = 0; i < 5; i++) {
        u32 before = upcalls1;
        xen_hvc(0x4001, sysreg_read(mpidr_el1), i, 0, 0, 0);
        while (upcalls1 == before) __asm__ volatile("wfi");
        xen_hvc(0x4002, i, 31, 0, 0, 0);
    }
    secondary_done = 1;
}

static void scribble(void)
{
    volatile u64 *page = (volatile u64 *)0x40210000;   /* vCPU 0's channel page (El2Program.CHANNEL_PAGES) */
    page[0x100 / 8] = 0x40000000;                       /* transmit descriptor 0: address */
    *(volatile u32 *)(0x40210000 + 0x108) = 4 << 20;    /* and length */
    xen_hvc(0x1004, 0, 0, 0, 0, 0);
    for (u32 i = 0; i < 512; i++) page[i] = next();
    for (u32 i = 0; i < 100; i++) xen_hvc(next(), next(), next(), next(), next(), next());
    for (;;) __asm__ volatile("wfi");
}

void main(void)
{
    if (xen_hvc(0x1000, 0, 0, 0, 0, 0) == 1) scribble();
    /* vCPU 1, if the machine has one (PSCI says INVALID_PARAMETERS, -2, if not) */
    int smp = (long)smc3(0xc4000003, 1, (u64)secondary_entry, 0) == 0;
    sysreg_write(ttbr0_el1, 0x41230000);
    sysreg_write(ttbr1_el1, 0x41240000);
    sysreg_write(tcr_el1, 0x19);
    __asm__ volatile("isb");
    u64 r = xen_hvc(0x1001, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555);
    xen_hvc(0x1002, r, 0, 0, 0, 0);

    u64 sum = 0;
    for (u32 i = 0; i < HOSTILE; i++) {
        u64 op = next(), a = next(), b = next(), c = next(), d = next(), e = next();
        if (op == 0x1000 || op == 0x1001 || op == 0x1002 || op == 0x1003 || op == 0x2001 || op == 0x2002 || op == 0x3001) op ^= 1ull << 63;
        sum += xen_hvc(op, a, b, c, d, e);
    }
    xen_hvc(0x1003, HOSTILE, sum, 0, 0, 0);

    gic_cpu_on();                                       /* the virtual CPU interface, as Linux's GIC driver sets it up */
    __asm__ volatile("msr daifclr, #2");
    for (u32 i = 0; i < UPCALLS; i++) {
        u32 before = upcalls;
        xen_hvc(0x2001, i, 0, 0, 0, 0);
        while (upcalls == before) __asm__ volatile("wfi");
        xen_hvc(0x2002, i, last_intid, 0, 0, 0);
    }

    __asm__ volatile("msr daifset, #2");
    *(volatile u32 *)(GICR_SGI + 0x80) = 0xffffffff;  /* GICR_IGROUPR0: group 1, as Linux's driver sets it */
    *(volatile u32 *)(GICR_SGI + 0x100) = 0xffff;     /* GICR_ISENABLER0: SGIs 0-15 */
    for (u64 sgi = 1; sgi <= 8; sgi++) {
        sysreg_write(icc_sgi1r_el1, (sgi << 24) | 1);  /* to this CPU (Aff0 0, target list bit 0) */
        __asm__ volatile("isb");
    }
    u64 start = sysreg_read(cntvct_el0), freq = sysreg_read(cntfrq_el0);
    __asm__ volatile("msr daifclr, #2");
    while (sgis != 0x1fe && sysreg_read(cntvct_el0) - start < freq) { }
    __asm__ volatile("msr daifset, #2");
    xen_hvc(0x3001, sgis, 0, 0, 0, 0);

    start = sysreg_read(cntvct_el0);
    while (smp && !secondary_done && sysreg_read(cntvct_el0) - start < 30 * freq) { }
    xen_hvc(0x4003, smp, secondary_done, 0, 0, 0);

    smc0(0x84000008);                                   /* PSCI SYSTEM_OFF */
}
