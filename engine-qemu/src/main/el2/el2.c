/*
 * Domus's EL2 program, the part in C. It sits under one guest kernel at EL1 on QEMU's virt machine and does only
 * what Xen's guest ABI needs from a hypervisor's lowest layer, with no Xen semantics at all:
 *  - physical interrupts all reach EL2 (HCR_EL2.IMO) and are handed to the guest through GICv3 list registers;
 *  - SGIs the guest sends (trapped ICC_SGI1R_EL1 writes) and SMCs (HCR_EL2.TSC) are re-issued, PSCI CPU_ON
 *    rewritten so that secondaries start here first;
 *  - every HVC #0xEA1 goes to Domus with its registers, through a per-vCPU channel, and Domus's x0 comes back;
 *  - Domus's upcall doorbell becomes virtual PPI 31 on that vCPU.
 * The channel of vCPU k is a virtio-serial device (virtio-mmio, modern) with one console port on a chardev socket
 * to Domus, at virt's last transport slots (31 - k); its DTB node is removed so the guest never sees it. A request is
 * the mailbox at the start of the vCPU's channel page plus one byte on the transmit queue; the answer, and any
 * upcall, is a byte Domus writes, which QEMU puts in the receive queue, raising the device's SPI, which EL2 takes.
 * Nothing polls: a vCPU waiting for an answer sleeps in WFI until that SPI.
 */
#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

#define MAX_VCPUS       16
#define XEN_HVC_IMM     0xEA1
#define UPCALL_INTID    31             /* Xen's event-channel upcall PPI on Arm */
#define MAINT_INTID     25             /* GICv3 maintenance interrupt on virt */
#define HYP_TIMER_INTID 26             /* EL2 physical timer (CNTHP) on virt */
#define RETRY_US        1000           /* how often a held upcall looks again whether the guest enabled PPI 31 */
#define VIRT_PRIORITY   0xa0ull        /* the priority Linux gives its interrupts */

/* QEMU virt's fixed layout (hw/arm/virt.c): GICv3 distributor and redistributors, virtio-mmio transports, PL011. */
#define GICD            0x08000000ul
#define GICR            0x080a0000ul
#define GICR_STRIDE     0x20000ul
#define VIRTIO_BASE     0x0a000000ul
#define VIRTIO_STRIDE   0x200ul
#define VIRTIO_SLOTS    32
#define VIRTIO_SPI0     (32 + 16)      /* INTID of the first transport's SPI */
#define UART            0x09000000ul

/* The channel page of each vCPU; Domus knows this layout (org.domus.engine.qemu.El2Channel). */
struct mailbox {
    volatile u64 seq;                  /* 0x00 this call's number, written last before the doorbell */
    volatile u64 done;                 /* 0x08 Domus writes seq here once result is valid */
    volatile u64 op;                   /* 0x10 x16 */
    volatile u64 arg[6];               /* 0x18 x0..x5 */
    volatile u64 sctlr, tcr, ttbr0, ttbr1; /* 0x48 the vCPU's EL1 stage-1 state */
    volatile u64 result;               /* 0x68 the new x0 */
    volatile u64 upcalls_raised;       /* 0x70 Domus counts raises */
    volatile u64 upcalls_seen;         /* 0x78 EL2 counts the ones it injected */
    volatile u64 ready;                /* 0x80 "DOMUSEL2" once this vCPU's channel works */
    volatile u64 sleeping;             /* 0x88 1 while the vCPU waits in WFI: only then Domus rings back */
};
#define CHANNEL_READY   0x324c4553554d4f44ull  /* "DOMUSEL2" */

/* Split virtqueues, inside the channel page after the mailbox. */
struct vdesc { u64 addr; u32 len; u16 flags; u16 next; };
#define VDESC_WRITE     2
#define TXQ             4
#define RXQ             8
#define RXBUF           16
#define OFF_TX_DESC     0x100
#define OFF_TX_AVAIL    0x140
#define OFF_TX_USED     0x180
#define OFF_RX_DESC     0x200
#define OFF_RX_AVAIL    0x280
#define OFF_RX_USED     0x2c0
#define OFF_TX_BUF      0x340
#define OFF_RX_BUF      0x400

/* virtio-mmio (version 2) registers */
#define VM_MAGIC        0x000
#define VM_VERSION      0x004
#define VM_DEVICE_ID    0x008
#define VM_DEV_FEAT     0x010
#define VM_DEV_FEAT_SEL 0x014
#define VM_DRV_FEAT     0x020
#define VM_DRV_FEAT_SEL 0x024
#define VM_QUEUE_SEL    0x030
#define VM_QUEUE_MAX    0x034
#define VM_QUEUE_NUM    0x038
#define VM_QUEUE_READY  0x044
#define VM_QUEUE_NOTIFY 0x050
#define VM_INT_STATUS   0x060
#define VM_INT_ACK      0x064
#define VM_STATUS       0x070
#define VM_Q_DESC       0x080
#define VM_Q_DRIVER     0x090
#define VM_Q_DEVICE     0x0a0
#define VIRTIO_CONSOLE  3

struct cpu {
    u64 guest_entry, guest_context;    /* what the guest asked PSCI CPU_ON for */
    u16 tx_avail, rx_avail, rx_used;   /* our copies of the ring indexes */
    u32 queue[64];                     /* interrupts waiting for a free list register: INTID | HW << 31 */
    u32 queued;
    u32 upcall_held;                   /* Domus raised the upcall; not in a list register yet */
};

extern char channel_pages[];
extern u64 guest_entry;
extern char el2_vectors[];
extern void el2_secondary(void);
extern void enter_el1(u64 entry, u64 arg) __attribute__((noreturn));
extern void smc_call(u64 regs[18]);

static struct cpu cpus[MAX_VCPUS];
static u32 nchannels;                  /* channel devices found: one per vCPU */
static u32 nlrs;                       /* list registers this GIC implements */
static u64 spin_ticks;                 /* how long a call waits awake for its answer: SPIN_US in counter ticks */
static u64 retry_ticks;                /* RETRY_US in counter ticks */
#define SPIN_US         100

#define sysreg_read(r) ({ u64 v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((u64)(v)))
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb() __asm__ volatile("dsb sy" ::: "memory")

static inline u32 rd32(u64 a) { return *(volatile u32 *)a; }
static inline void wr32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline void wr64(u64 a, u64 v) { *(volatile u64 *)a = v; }

static u64 page_of(u32 cpu) { return (u64)channel_pages + (u64)cpu * 0x1000; }
static struct mailbox *mailbox(u32 cpu) { return (struct mailbox *)page_of(cpu); }
static u64 slot_base(u32 cpu) { return VIRTIO_BASE + (u64)(VIRTIO_SLOTS - 1 - cpu) * VIRTIO_STRIDE; }
static u32 channel_intid(u32 cpu) { return VIRTIO_SPI0 + (VIRTIO_SLOTS - 1 - cpu); }
static u32 this_cpu(void) { u64 m = sysreg_read(mpidr_el1); return (u32)((m & 0xff) + ((m >> 8) & 0xff) * 16); }

/* A fatal error: one line on the PL011 (the guest's console), then this vCPU stops. Only EL2 bugs and guests
 * that do what no Linux does get here; the host and the other domains are not concerned. */
static void puts_uart(const char *s) { while (*s) wr32(UART, (u8)*s++); }
static void puthex(u64 v) { char b[19] = "0x"; for (int i = 0; i < 16; i++) b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15]; b[18] = 0; puts_uart(b); }
static void fatal(const char *what, u64 a, u64 b) __attribute__((noreturn));
static void fatal(const char *what, u64 a, u64 b)
{
    puts_uart("domus-el2: "); puts_uart(what); puts_uart(" "); puthex(a); puts_uart(" "); puthex(b); puts_uart("\r\n");
    for (;;) __asm__ volatile("wfi");
}



/* ---- list registers ---- */

static u64 lr_read(u32 i)
{
    switch (i) {
    case 0: return sysreg_read(ich_lr0_el2);   case 1: return sysreg_read(ich_lr1_el2);
    case 2: return sysreg_read(ich_lr2_el2);   case 3: return sysreg_read(ich_lr3_el2);
    case 4: return sysreg_read(ich_lr4_el2);   case 5: return sysreg_read(ich_lr5_el2);
    case 6: return sysreg_read(ich_lr6_el2);   case 7: return sysreg_read(ich_lr7_el2);
    case 8: return sysreg_read(ich_lr8_el2);   case 9: return sysreg_read(ich_lr9_el2);
    case 10: return sysreg_read(ich_lr10_el2); case 11: return sysreg_read(ich_lr11_el2);
    case 12: return sysreg_read(ich_lr12_el2); case 13: return sysreg_read(ich_lr13_el2);
    case 14: return sysreg_read(ich_lr14_el2); default: return sysreg_read(ich_lr15_el2);
    }
}

/* Each write puts one virtual interrupt in front of the guest's virtual CPU interface (the only way to give an
 * EL1 guest an interrupt under GICv3 virtualization). */
static void lr_write(u32 i, u64 v)
{
    switch (i) {
    case 0: sysreg_write(ich_lr0_el2, v); break;   case 1: sysreg_write(ich_lr1_el2, v); break;
    case 2: sysreg_write(ich_lr2_el2, v); break;   case 3: sysreg_write(ich_lr3_el2, v); break;
    case 4: sysreg_write(ich_lr4_el2, v); break;   case 5: sysreg_write(ich_lr5_el2, v); break;
    case 6: sysreg_write(ich_lr6_el2, v); break;   case 7: sysreg_write(ich_lr7_el2, v); break;
    case 8: sysreg_write(ich_lr8_el2, v); break;   case 9: sysreg_write(ich_lr9_el2, v); break;
    case 10: sysreg_write(ich_lr10_el2, v); break; case 11: sysreg_write(ich_lr11_el2, v); break;
    case 12: sysreg_write(ich_lr12_el2, v); break; case 13: sysreg_write(ich_lr13_el2, v); break;
    case 14: sysreg_write(ich_lr14_el2, v); break; default: sysreg_write(ich_lr15_el2, v); break;
    }
}

#define LR_PENDING      (1ull << 62)
#define LR_ACTIVE       (1ull << 63)
#define LR_HW           (1ull << 61)
#define LR_GROUP1       (1ull << 60)
#define HW_FLAG         (1u << 31)

static void enable_maintenance(struct cpu *c, int on)
{
    u64 hcr = sysreg_read(ich_hcr_el2);
    /* ICH_HCR_EL2.UIE: a maintenance interrupt once at most one list register is in use, so the queue refills
     * the others; off when nothing waits, since it would fire on every return to an idle guest. */
    hcr = on ? (hcr | 2) : (hcr & ~2ull);
    sysreg_write(ich_hcr_el2, hcr);
    if (on) {
        /* the guest's GIC driver disables every PPI it does not use, the maintenance interrupt among them; a guest
         * without one may leave it in group 0, which never reaches us as an IRQ */
        u64 sgi = GICR + this_cpu() * GICR_STRIDE + 0x10000;
        wr32(sgi + 0x80, rd32(sgi + 0x80) | 1u << MAINT_INTID);   /* GICR_IGROUPR0 */
        wr32(sgi + 0x100, 1u << MAINT_INTID);                     /* GICR_ISENABLER0 */
    }
    (void)c;
}

/* Gives the guest virtual interrupt `intid`; with hw, the guest's EOI deactivates the physical one of the same
 * number. Never more than one list register per INTID; more interrupts than list registers wait in a queue. */
static int inject(struct cpu *c, u32 intid, int hw, int may_queue)
{
    u64 elrsr = sysreg_read(ich_elrsr_el2);
    int free = -1;
    for (u32 i = 0; i < nlrs; i++) {
        if (elrsr & (1ull << i)) {
            if (free < 0) free = (int)i;
            continue;
        }
        u64 lr = lr_read(i);
        if ((u32)lr == intid && (lr & (LR_PENDING | LR_ACTIVE))) {
            if (!hw && !(lr & LR_PENDING)) lr_write(i, lr | LR_PENDING);  /* active: pending again after its EOI */
            return 1;
        }
    }
    if (free >= 0) {
        u64 lr = LR_PENDING | LR_GROUP1 | (VIRT_PRIORITY << 48) | intid;
        if (hw) lr |= LR_HW | ((u64)intid << 32);
        lr_write((u32)free, lr);
        return 1;
    }
    if (!may_queue) return 0;
    u32 e = intid | (hw ? HW_FLAG : 0);
    for (u32 i = 0; i < c->queued; i++)
        if (c->queue[i] == e) return 1;
    if (c->queued < sizeof c->queue / sizeof c->queue[0]) c->queue[c->queued++] = e;
    enable_maintenance(c, 1);
    return 1;
}

static void refill(struct cpu *c)
{
    u32 kept = 0;
    for (u32 i = 0; i < c->queued; i++) {
        u32 e = c->queue[i];
        if (!inject(c, e & ~HW_FLAG, (e & HW_FLAG) != 0, 0)) c->queue[kept++] = e;
    }
    c->queued = kept;
    enable_maintenance(c, kept != 0);
}

/* ---- the channel ---- */

static void rx_post(u32 cpu, u16 desc)
{
    struct cpu *c = &cpus[cpu];
    u64 p = page_of(cpu);
    volatile u16 *avail = (volatile u16 *)(p + OFF_RX_AVAIL);
    avail[2 + (c->rx_avail % RXQ)] = desc;
    dsb();
    avail[1] = ++c->rx_avail;
}

/* Returns the device to its reset state and gives it our two queues; 0 when slot `cpu` has no console device. */
static int channel_init(u32 cpu)
{
    u64 b = slot_base(cpu), p = page_of(cpu);
    if (rd32(b + VM_MAGIC) != 0x74726976 || rd32(b + VM_VERSION) != 2 || rd32(b + VM_DEVICE_ID) != VIRTIO_CONSOLE)
        return 0;
    for (u64 *q = (u64 *)p; q < (u64 *)(p + 0x1000); q++) *q = 0;
    wr32(b + VM_STATUS, 0);
    wr32(b + VM_STATUS, 1 | 2);                         /* ACKNOWLEDGE | DRIVER */
    wr32(b + VM_DEV_FEAT_SEL, 1);
    if (!(rd32(b + VM_DEV_FEAT) & 1)) return 0;         /* VIRTIO_F_VERSION_1 is what we speak */
    wr32(b + VM_DRV_FEAT_SEL, 1);
    wr32(b + VM_DRV_FEAT, 1);
    wr32(b + VM_DRV_FEAT_SEL, 0);
    wr32(b + VM_DRV_FEAT, 0);                           /* no MULTIPORT: port 0 is the whole device */
    wr32(b + VM_STATUS, 1 | 2 | 8);                     /* FEATURES_OK */
    if (!(rd32(b + VM_STATUS) & 8)) return 0;
    static const struct { u32 num, desc, avail, used; } q[2] = {
        { RXQ, OFF_RX_DESC, OFF_RX_AVAIL, OFF_RX_USED },  /* queue 0: port 0's receive queue */
        { TXQ, OFF_TX_DESC, OFF_TX_AVAIL, OFF_TX_USED },  /* queue 1: its transmit queue */
    };
    for (u32 i = 0; i < 2; i++) {
        wr32(b + VM_QUEUE_SEL, i);
        if (rd32(b + VM_QUEUE_MAX) < q[i].num) return 0;
        wr32(b + VM_QUEUE_NUM, q[i].num);
        wr32(b + VM_Q_DESC, (u32)(p + q[i].desc));       wr32(b + VM_Q_DESC + 4, (u32)((p + q[i].desc) >> 32));
        wr32(b + VM_Q_DRIVER, (u32)(p + q[i].avail));    wr32(b + VM_Q_DRIVER + 4, (u32)((p + q[i].avail) >> 32));
        wr32(b + VM_Q_DEVICE, (u32)(p + q[i].used));     wr32(b + VM_Q_DEVICE + 4, (u32)((p + q[i].used) >> 32));
        wr32(b + VM_QUEUE_READY, 1);
    }
    struct vdesc *rxd = (struct vdesc *)(p + OFF_RX_DESC);
    for (u16 i = 0; i < RXQ; i++) {
        rxd[i].addr = p + OFF_RX_BUF + i * RXBUF;
        rxd[i].len = RXBUF;
        rxd[i].flags = VDESC_WRITE;
        rx_post(cpu, i);
    }
    struct vdesc *txd = (struct vdesc *)(p + OFF_TX_DESC);
    txd[0].addr = p + OFF_TX_BUF;
    txd[0].len = 1;
    *(volatile u8 *)(p + OFF_TX_BUF) = 'H';
    dsb();
    wr32(b + VM_STATUS, 1 | 2 | 8 | 4);                 /* DRIVER_OK: QEMU now reads the chardev into our buffers */
    wr32(b + VM_QUEUE_NOTIFY, 0);
    mailbox(cpu)->upcalls_seen = mailbox(cpu)->upcalls_raised;
    return 1;
}

/* Makes the channel's SPI reach this vCPU: the guest's GIC driver, which knows nothing of the device, disables
 * every SPI and routes them all to its boot CPU at start, so this is redone before every wait. */
static void channel_route(u32 cpu)
{
    u32 intid = channel_intid(cpu);
    u64 m = sysreg_read(mpidr_el1);
    wr64(GICD + 0x6000 + 8ul * intid, m & 0xff00ffffffull);     /* GICD_IROUTER: this vCPU's affinity, IRM = 0 */
    wr32(GICD + 0x100 + 4 * (intid / 32), 1u << (intid % 32));  /* GICD_ISENABLER */
}

/* Takes what Domus sent (answer or doorbell bytes; the mailbox says which) and gives the buffers back. Lowers the
 * device's level interrupt first, so a byte arriving after the check raises it again. */
static void channel_drain(u32 cpu)
{
    struct cpu *c = &cpus[cpu];
    u64 b = slot_base(cpu), p = page_of(cpu);
    wr32(b + VM_INT_ACK, rd32(b + VM_INT_STATUS));
    dsb();
    volatile u16 *used = (volatile u16 *)(p + OFF_RX_USED);
    int posted = 0;
    while (c->rx_used != used[1]) {
        u32 id = *(volatile u32 *)(p + OFF_RX_USED + 4 + 8 * (c->rx_used % RXQ));
        c->rx_used++;
        rx_post(cpu, (u16)(id % RXQ));
        posted = 1;
    }
    if (posted) {
        dsb();
        wr32(b + VM_QUEUE_NOTIFY, 0);                    /* lets QEMU read the chardev again if it had to stop */
    }
}

/* Takes Domus's raises: one upcall held per batch. Domus increments `raised` then checks `seen`; we write `seen`
 * then re-check `raised`: with a barrier on both sides one of us always sees the other, so no raise is lost. */
static void channel_upcall(u32 cpu)
{
    struct mailbox *mb = mailbox(cpu);
    for (;;) {
        u64 r = mb->upcalls_raised;
        if (r == mb->upcalls_seen) return;
        mb->upcalls_seen = r;
        dsb();
        cpus[cpu].upcall_held = 1;
    }
}

static u64 sgi_frame(void) { return GICR + this_cpu() * GICR_STRIDE + 0x10000; }

/* The EL2 timer wakes us while an upcall is held, since the guest enables PPI 31 with a redistributor write we do
 * not see. Its PPI must be re-enabled each time: the guest's GIC driver disables every PPI it does not use. */
static void retry_timer(int on)
{
    if (on) {
        u64 sgi = sgi_frame();
        wr32(sgi + 0x80, rd32(sgi + 0x80) | 1u << HYP_TIMER_INTID);   /* GICR_IGROUPR0: group 1, our IRQ */
        wr32(sgi + 0x100, 1u << HYP_TIMER_INTID);                     /* GICR_ISENABLER0 */
        sysreg_write(cnthp_tval_el2, retry_ticks);
        sysreg_write(cnthp_ctl_el2, 1);                               /* ENABLE, not masked */
    } else {
        sysreg_write(cnthp_ctl_el2, 0);
    }
    isb();
}

/* Gives the guest the held upcall as virtual PPI 31 once it has enabled that PPI (GICR_ISENABLER0), as Xen's vGIC
 * keeps it pending until then: a list register is taken by the guest whatever its redistributor says, and an
 * upcall taken before Linux has its handler is lost for good (evtchn_upcall_pending stays set, so Xen's ABI
 * raises no other). Runs before every return to the guest. */
static void upcall_deliver(u32 cpu)
{
    struct cpu *c = &cpus[cpu];
    if (!c->upcall_held) return;
    if (rd32(sgi_frame() + 0x100) & (1u << UPCALL_INTID)) {
        c->upcall_held = 0;
        retry_timer(0);
        inject(c, UPCALL_INTID, 0, 1);
    } else {
        retry_timer(1);
    }
}

static void hypercall(u32 cpu, u64 *x)
{
    if (cpu >= nchannels) { x[0] = (u64)-38; return; }  /* no channel for this vCPU: -ENOSYS */
    struct cpu *c = &cpus[cpu];
    struct mailbox *mb = mailbox(cpu);
    u64 b = slot_base(cpu), p = page_of(cpu);
    u64 seq = mb->seq + 1;
    mb->op = x[16];
    for (int i = 0; i < 6; i++) mb->arg[i] = x[i];
    mb->sctlr = sysreg_read(sctlr_el1);
    mb->tcr = sysreg_read(tcr_el1);
    mb->ttbr0 = sysreg_read(ttbr0_el1);
    mb->ttbr1 = sysreg_read(ttbr1_el1);
    dsb();
    mb->seq = seq;
    channel_route(cpu);
    volatile u16 *avail = (volatile u16 *)(p + OFF_TX_AVAIL);
    avail[2 + (c->tx_avail % TXQ)] = 0;                 /* the one-byte descriptor 0, every time */
    dsb();
    avail[1] = ++c->tx_avail;
    dsb();
    wr32(b + VM_QUEUE_NOTIFY, 1);
    /* Most answers come within tens of µs: waiting awake for them saves QEMU's main loop, the SPI and a vCPU wake-up
     * from the round trip. After SPIN_US the vCPU sleeps, and says so, and Domus rings. Domus writes done then
     * reads sleeping, we write sleeping then read done: one of us always sees the other. */
    u64 deadline = sysreg_read(cntpct_el0) + spin_ticks;
    while (mb->done != seq && sysreg_read(cntpct_el0) < deadline) { }
    while (mb->done != seq) {
        mb->sleeping = 1;
        dsb();
        channel_drain(cpu);
        if (mb->done == seq) break;
        __asm__ volatile("wfi");                        /* PSTATE.I is set at EL2: the SPI wakes us, nothing is taken */
    }
    mb->sleeping = 0;
    dsb();
    x[0] = mb->result;
    channel_upcall(cpu);
}

/* ---- traps ---- */

#define PSCI_CPU_ON_32  0x84000003u
#define PSCI_CPU_ON_64  0xc4000003u
#define PSCI_SYSTEM_OFF   0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_INVALID    ((u64)-2)

static void smc(u32 cpu, u64 *x)
{
    u64 r[18];
    u32 fn = (u32)x[0];
    if ((fn == PSCI_SYSTEM_OFF || fn == PSCI_SYSTEM_RESET) && cpu < nchannels) {
        /* Xen answers its guests' PSCI itself: SYSTEM_OFF and SYSTEM_RESET are the domain's shutdown, which Domus
         * decides, as for SCHEDOP_shutdown (Linux uses PSCI when it powers off before Xen's own handler is set,
         * late in its boot). Asked as a call whose number is the PSCI function; once Domus took it (0), this vCPU
         * waits for its end, as Xen never resumes a domain it shut down. */
        for (int i = 0; i < 18; i++) r[i] = 0;
        r[16] = fn;
        hypercall(cpu, r);
        if (r[0] == 0) for (;;) __asm__ volatile("wfi");
    }
    for (int i = 0; i < 18; i++) r[i] = x[i];
    u32 fid = (u32)x[0];
    if (fid == PSCI_CPU_ON_32 || fid == PSCI_CPU_ON_64) {
        u64 target = x[1];
        u32 idx = (u32)((target & 0xff) + ((target >> 8) & 0xff) * 16);
        if ((target & 0xff00ff0000ull) || (target & 0xff) >= 16 || idx >= MAX_VCPUS) { x[0] = PSCI_INVALID; return; }
        cpus[idx].guest_entry = x[2];
        cpus[idx].guest_context = x[3];
        dsb();
        r[2] = (u64)el2_secondary;                      /* the secondary starts here, at EL2, with its index */
        r[3] = idx;
    }
    smc_call(r);
    for (int i = 0; i < 18; i++) x[i] = r[i];
}

/* A trapped MSR/MRS (EC 0x18): SGI generation registers are re-issued as they were written (vCPU and physical CPU
 * affinities are the same, VMPIDR_EL2 being MPIDR_EL1); anything else reads as zero and ignores writes. */
static void sysreg_trap(u64 esr, u64 *x)
{
    u32 iss = (u32)(esr & 0x1ffffff);
    u32 rt = (iss >> 5) & 31, read = iss & 1;
    u32 op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7, crn = (iss >> 10) & 15, crm = (iss >> 1) & 15;
    u64 v = rt == 31 ? 0 : x[rt];
    if (!read && op0 == 3 && op1 == 0 && crn == 12 && crm == 11) {
        if (op2 == 5) sysreg_write(icc_sgi1r_el1, v);   /* the guest's IPI, sent for real */
        else if (op2 == 6) sysreg_write(icc_asgi1r_el1, v);  /* the same for the other group's */
        else if (op2 == 7) sysreg_write(icc_sgi0r_el1, v);
        isb();
    } else if (read && rt != 31) {
        x[rt] = 0;
    }
}

static void irq(u32 cpu)
{
    struct cpu *c = &cpus[cpu];
    for (;;) {
        u32 intid = (u32)sysreg_read(icc_iar1_el1);     /* acknowledge: the physical interrupt becomes active */
        if (intid >= 1020) return;                      /* nothing (more) pending */
        sysreg_write(icc_eoir1_el1, intid);             /* priority drop only (EOImode 1): the next one can come */
        if (nchannels && intid >= channel_intid(nchannels - 1) && intid <= channel_intid(0)) {
            u32 owner = VIRTIO_SLOTS - 1 - (intid - VIRTIO_SPI0);
            sysreg_write(icc_dir_el1, intid);           /* ours, not the guest's: deactivate it here */
            if (owner == cpu) {
                channel_drain(cpu);
                channel_upcall(cpu);
            } else if (owner < nchannels) {
                /* routed to us by the guest's GIC driver: send it to its vCPU, which re-takes the level */
                wr64(GICD + 0x6000 + 8ul * intid, (owner % 16) | ((u64)(owner / 16) << 8));
            }
        } else if (intid == HYP_TIMER_INTID) {
            sysreg_write(cnthp_ctl_el2, 0);             /* ours: it only asks for a look at the held upcall */
            isb();
            sysreg_write(icc_dir_el1, intid);
        } else if (intid == MAINT_INTID) {
            sysreg_write(icc_dir_el1, intid);           /* ours too: the guest never sees the maintenance interrupt */
            refill(c);
        } else if (intid < 16) {
            sysreg_write(icc_dir_el1, intid);           /* an SGI is done once delivered: the guest gets its own */
            inject(c, intid, 0, 1);
        } else {
            inject(c, intid, 1, 1);                     /* stays active until the guest's EOI deactivates it */
        }
    }
}

static void trap(u32 cpu, u64 kind, u64 *x);

void el2_trap(u64 kind, u64 *x)
{
    u32 cpu = this_cpu();
    trap(cpu, kind, x);
    if (cpu < MAX_VCPUS) upcall_deliver(cpu);
}

static void trap(u32 cpu, u64 kind, u64 *x)
{
    if (kind == 1) { irq(cpu); return; }
    if (kind != 0) fatal(kind == 3 ? "SError from the guest" : "unexpected exception, ESR/ELR", sysreg_read(esr_el2), sysreg_read(elr_el2));
    u64 esr = sysreg_read(esr_el2);
    switch (esr >> 26) {
    case 0x16:                                          /* HVC from AArch64 EL1; ELR is already past it */
        if ((esr & 0xffff) == XEN_HVC_IMM) hypercall(cpu, x);
        else x[0] = (u64)-1;                            /* SMCCC NOT_SUPPORTED: only Xen's immediate is served */
        return;
    case 0x17:                                          /* SMC trapped by TSC: ELR is the SMC itself */
        sysreg_write(elr_el2, sysreg_read(elr_el2) + 4); /* return past it, as after an executed SMC */
        smc(cpu, x);
        return;
    case 0x18:                                          /* trapped MSR/MRS: ELR is the instruction itself */
        sysreg_write(elr_el2, sysreg_read(elr_el2) + 4); /* return past it, it is emulated */
        sysreg_trap(esr, x);
        return;
    default:
        fatal("unhandled trap from the guest, ESR/ELR", esr, sysreg_read(elr_el2));
    }
}

/* ---- set-up ---- */

/* The EL2 state of one vCPU, before it first enters the guest. */
void el2_cpu_setup(u32 cpu)
{
    if (cpu >= MAX_VCPUS) fatal("vCPU index out of range", cpu, MAX_VCPUS);
    sysreg_write(vbar_el2, (u64)el2_vectors);           /* our vectors take every trap below */
    /* HCR_EL2: RW = EL1 is AArch64; IMO = physical IRQs come to EL2 and EL1's ICC_* accesses go to the virtual
     * CPU interface; TSC = SMCs trap, for PSCI CPU_ON; API/APK = pointer authentication is the guest's own, not
     * trapped (RES0 without it). VM = 0: no stage 2, guest-physical is QEMU-physical. HCD = 0 keeps HVC. */
    sysreg_write(hcr_el2, (1ull << 31) | (1ull << 4) | (1ull << 19) | (1ull << 41) | (1ull << 40));
    /* CNTHCTL_EL2: EL1PCTEN | EL1PCEN, the guest uses the physical counter and timer as it likes. CNTVOFF_EL2 = 0:
     * virtual time is physical time, as on a machine without a hypervisor. */
    sysreg_write(cnthctl_el2, 3);
    sysreg_write(cntvoff_el2, 0);
    /* CPTR_EL2: only its RES1 bits (and TZ, harmless without SVE): FP/SIMD is not trapped. */
    sysreg_write(cptr_el2, 0x33ff);
    /* MDCR_EL2: HPMN = every PMU counter belongs to EL1, no debug or PMU traps. */
    sysreg_write(mdcr_el2, (sysreg_read(pmcr_el0) >> 11) & 0x1f);
    /* VPIDR/VMPIDR: the guest reads the real MIDR and MPIDR, which SGI targets and PSCI affinities rely on. */
    sysreg_write(vpidr_el2, sysreg_read(midr_el1));
    sysreg_write(vmpidr_el2, sysreg_read(mpidr_el1));
    sysreg_write(vttbr_el2, 0);                         /* no stage-2 tables (VM = 0); VMID 0 */
    /* SCTLR_EL1: RES1 bits, MMU and caches off, as the boot protocol wants the kernel entered. */
    sysreg_write(sctlr_el1, 0x30d00800);
    /* ICC_SRE_EL2: SRE = GIC system registers at EL2, Enable = EL1 may use them too (its ICC_SRE_EL1). */
    sysreg_write(icc_sre_el2, 0x9);
    isb();
    /* ICC_CTLR_EL1 (the physical one, at EL2): EOImode = 1, so our EOI only drops priority and the guest's
     * virtual EOI deactivates an interrupt forwarded with HW = 1. */
    sysreg_write(icc_ctlr_el1, sysreg_read(icc_ctlr_el1) | 2);
    sysreg_write(icc_pmr_el1, 0xff);                    /* physical priority mask: let every interrupt reach EL2 */
    sysreg_write(icc_bpr1_el1, 0);                      /* no preemption groups at EL2: one interrupt at a time */
    sysreg_write(icc_igrpen1_el1, 1);                   /* physical group 1 on: it is the only group the guest has */
    nlrs = (u32)(sysreg_read(ich_vtr_el2) & 0x1f) + 1;
    for (u32 i = 0; i < nlrs; i++) lr_write(i, 0);      /* no virtual interrupt left from before a reset */
    sysreg_write(ich_vmcr_el2, 0);                      /* the guest sets its virtual PMR and group enables */
    sysreg_write(ich_hcr_el2, 1);                       /* En: the virtual CPU interface works */
    isb();
    /* this vCPU's redistributor awake (ProcessorSleep = 0), or its PPIs and SGIs are never delivered */
    u64 rd = GICR + cpu * GICR_STRIDE;
    wr32(rd + 0x14, rd32(rd + 0x14) & ~2u);
    while (rd32(rd + 0x14) & 4) { }
    if (cpu < nchannels) channel_route(cpu);
}

void el2_primary_init(u32 cpu)
{
    (void)cpu;
    spin_ticks = sysreg_read(cntfrq_el0) / 1000000 * SPIN_US;
    retry_ticks = sysreg_read(cntfrq_el0) / 1000000 * RETRY_US;
    /* GICD_CTLR: both groups' enables and affinity routing, the state the guest's driver sets too. A test guest
     * that never touches the distributor still gets our SPIs. */
    wr32(GICD, rd32(GICD) | 0x13);
    while (nchannels < MAX_VCPUS && channel_init(nchannels)) nchannels++;
    for (u32 i = 0; i < nchannels; i++) {
        /* GICD_IGROUPR: the channels' SPIs in group 1, the group EL2 takes as IRQ (the guest's driver later puts
         * every SPI there too; until then, and for guests without one, this is the only place it happens) */
        u32 intid = channel_intid(i);
        u64 r = GICD + 0x80 + 4 * (intid / 32);
        wr32(r, rd32(r) | 1u << (intid % 32));
    }
    for (u32 i = 0; i < nchannels; i++) mailbox(i)->ready = CHANNEL_READY;
    if (nchannels) channel_route(0);
}

void el2_secondary_enter(u32 cpu) __attribute__((noreturn));
void el2_secondary_enter(u32 cpu)
{
    enter_el1(cpus[cpu].guest_entry, cpus[cpu].guest_context);
}
