/*
 * A hostile Xen guest for HostileGuestSystemTest: entered at EL1 by engine-qemu's test-kernel entry code
 * (engine-qemu/src/test/el2/testkernel.S and .ld, built with this file), MMU off, interrupts masked. Each of its
 * two vCPUs (vCPU 1 started with PSCI CPU_ON), at the same time, makes CALLS hypercalls with random numbers (mostly
 * Xen's real ops), random sub-ops, random arguments and pointers (wild, just outside RAM, across its end, across
 * pages, into the Xen pages at the top of RAM, or into a scratch arena it fills with random or Xen-shaped structures
 * first), writes random xenstore messages into its store ring now and then, and checks that each call returns 0, a
 * non-negative count where the ABI has one (memory_op, xen_version), or a negated errno of Xen's public/errno.h.
 * It reports on the console with CONSOLEIO_write: HOSTILE-START, HOSTILE-PROGRESS every PROGRESS calls of a vCPU,
 * HOSTILE-BAD for the first bad results, HOSTILE-DONE with the counts of both, then powers off with PSCI
 * SYSTEM_OFF. Its random numbers start from hostile.seed=HEX on its command line (a fixed seed without one), so
 * that a run that found something can be repeated.
 *
 * Its MMU is on, so Domus walks its tables for every pointer: TTBR0 maps RAM's GiB to itself, TTBR1 points at an
 * arena page of descriptors and changes now and then with TCR's TTBR1 fields (size, granule, walks disabled, top
 * byte ignored, hardware access/dirty flags), and kernel-half pointers send Domus's walker through those tables.
 * TTBR1 walks start at level 2 (T1SZ 34..39), so no 1 GiB block there can reach this program: every leaf a table
 * descriptor of the arena leads to is in the arena, the Xen pages or the unused first 2 MiB of RAM.
 *
 * What it leaves alone is what would end or wreck itself, not Domus: SCHEDOP_shutdown and SCHEDOP_shutdown_code
 * (the domain's own end; a random code would turn the final power-off into a reboot), the PSCI function numbers
 * Domus takes as power-off/reset, its own code, stack and the EL2 program below the arena (a guest at EL1 without
 * stage 2 can overwrite those itself anyway), and, until the last tenth of its calls, the store's event channel,
 * which a random EVTCHNOP_close would otherwise shut within the first calls. Everything else of its RAM is fair game.
 */
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;
typedef int64_t s64;

#define VCPUS 2
#define CALLS 30000                    /* per vCPU */
#define PROGRESS 10000
#define BAD_SHOWN 8

/* public/xen.h */
#define MEMORY_OP 12
#define XEN_VERSION 17
#define CONSOLE_IO 18
#define GRANT_TABLE_OP 20
#define VM_ASSIST 21
#define VCPU_OP 24
#define SCHED_OP 29
#define EVENT_CHANNEL_OP 32
#define HVM_OP 34
#define SCHEDOP_SHUTDOWN 2
#define SCHEDOP_POLL 3
#define SCHEDOP_SHUTDOWN_CODE 5
#define XENMEM_MAXIMUM_GPFN 14
#define DOMID_SELF 0x7ff0
#define PSCI_SYSTEM_OFF 0x84000008ul
#define PSCI_SYSTEM_RESET 0x84000009ul

#define RAM_BASE 0x40000000ul
#define ARENA 0x41000000ul            /* 32 MiB well above this program (0x40400000) and below QEMU's DTB (RAM/2) */
#define ARENA_SIZE 0x02000000ul
#define XEN_REGION 0x100000ul          /* Domus's grant frames and magic pages: the top MiB of RAM (XenLayout) */

extern u64 xen_hvc(u64 op, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4);
extern u64 smc0(u64 fid);
extern u64 smc3(u64 fid, u64 a1, u64 a2, u64 a3);
extern char secondary_entry[];

/* The entry code's interrupt hook: this guest keeps interrupts masked on both vCPUs. */
void irq(void) { }

static const u32 real_ops[] = { MEMORY_OP, EVENT_CHANNEL_OP, GRANT_TABLE_OP, SCHED_OP, HVM_OP, VCPU_OP, XEN_VERSION,
                                CONSOLE_IO, VM_ASSIST };
/* Xen's guest-visible errno values (public/errno.h; EINTR and ERESTART are Xen-internal), one bit each. */
static const u64 errnos[2] = {
    (1ul << 1) | (1ul << 2) | (1ul << 3) | (1ul << 5) | (1ul << 6) | (1ul << 7) | (1ul << 8) | (1ul << 9)
        | (1ul << 10) | (1ul << 11) | (1ul << 12) | (1ul << 13) | (1ul << 14) | (1ul << 16) | (1ul << 17)
        | (1ul << 18) | (1ul << 19) | (1ul << 22) | (1ul << 23) | (1ul << 24) | (1ul << 28) | (1ul << 31)
        | (1ul << 33) | (1ul << 34) | (1ul << 35) | (1ul << 36) | (1ul << 37) | (1ul << 38) | (1ul << 56)
        | (1ul << 57) | (1ul << 61) | (1ul << 62),
    (1ul << (74 - 64)) | (1ul << (75 - 64)) | (1ul << (84 - 64)) | (1ul << (87 - 64)) | (1ul << (88 - 64))
        | (1ul << (95 - 64)) | (1ul << (98 - 64)) | (1ul << (99 - 64)) | (1ul << (105 - 64)) | (1ul << (106 - 64))
        | (1ul << (107 - 64)) | (1ul << (108 - 64)) | (1ul << (109 - 64)) | (1ul << (110 - 64)),
};

/* What each vCPU has of its own, found through TPIDR_EL1: its random numbers, its report line, its counts. */
struct cpu {
    u64 rng;
    u64 calls, bad, zero, positive, errors, real, ms;
    volatile u64 done;
    u32 len;
    char line[160];
};
static struct cpu cpus[VCPUS];
static u64 ram_end;

static struct cpu *me(void) { u64 c; __asm__ volatile("mrs %0, tpidr_el1" : "=r"(c)); return (struct cpu *)c; }
static u64 next(void) { struct cpu *c = me(); c->rng ^= c->rng << 13; c->rng ^= c->rng >> 7; c->rng ^= c->rng << 17; return c->rng; }
static u64 pick(u64 n) { return next() % n; }

/* ---- the console: CONSOLEIO_write of one line --------------------------------------------------------------- */

static void putch(char ch) { struct cpu *c = me(); if (c->len < sizeof c->line - 1) c->line[c->len++] = ch; }
static void put(const char *s) { while (*s) putch(*s++); }
static void dec(u64 v)
{
    char d[20];
    int n = 0;
    do { d[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) putch(d[--n]);
}
static void hex(u64 v)
{
    put("0x");
    for (int s = 60; s >= 0; s -= 4) {
        if (v >> s || s == 0) putch("0123456789abcdef"[(v >> s) & 0xf]);
    }
}
/* One call per line, so that the other vCPU's writes cannot come between its parts; it starts with a newline too,
 * as the garbage written before rarely ends with one and a report must start its own line. */
static void say(void)
{
    struct cpu *c = me();
    c->line[c->len++] = '\n';
    xen_hvc(CONSOLE_IO, 0, c->len, (u64)c->line, 0, 0);
    c->len = 1;
}

/* ---- what the hostile calls are made of ---------------------------------------------------------------------- */

static int writable(u64 p) { return (p >= ARENA && p < ARENA + ARENA_SIZE) || (p >= ram_end - XEN_REGION && p < ram_end); }

/* A pointer: mostly into the arena or the Xen pages (filled first), otherwise anything a buggy guest might pass. */
static u64 pointer(void)
{
    switch (pick(16)) {
    case 0: return 0;
    case 1: return next();
    case 2: return pick(0x10000);
    case 3: return RAM_BASE - 8 + pick(16);                       /* across the start of RAM */
    case 4: return ram_end - pick(64);                            /* across its end */
    case 5: return ram_end - XEN_REGION + pick(XEN_REGION);       /* console, store, grant pages */
    case 6: return ARENA + pick(ARENA_SIZE >> 12) * 0x1000 + 0x1000 - 1 - pick(24);  /* across a page */
    case 7: return pick(2) ? 0xffff000000000000ul | next()        /* the kernel half, through TTBR1's tables */
                           : ~0ul - pick(1ul << (25 + pick(6)));
    case 8: return 0x08000000ul + pick(0x1000000);                /* the GIC and other devices */
    default: return ARENA + (pick(ARENA_SIZE) & (pick(4) ? ~7ul : ~0ul));
    }
}

/* A frame number: in the arena, in the Xen pages, just outside RAM, or random. */
static u64 frame(void)
{
    switch (pick(6)) {
    case 0: return (ARENA >> 12) + pick(ARENA_SIZE >> 12);
    case 1: return ((ram_end - XEN_REGION) >> 12) + pick(XEN_REGION >> 12);
    case 2: return (ram_end >> 12) + pick(4) - 2;
    case 3: return (ARENA >> 12) & ~0x1fful;                     /* 2 MiB-aligned: larger extents */
    case 4: return next();
    default: return (ARENA >> 12) + (pick(ARENA_SIZE >> 21) << 9);
    }
}

/* A value for an argument or a structure field: the numbers Xen's structures hold, often enough to get past checks. */
static u64 value(void)
{
    switch (pick(14)) {
    case 0: return 0;
    case 1: return pick(4);
    case 2: return pick(64);
    case 3: return pick(1100);                                    /* event channel ports, to past the last one */
    case 4: return DOMID_SELF;
    case 5: return 1 + (pick(2) << 16);                           /* this domain's id (d1), alone or with a field */
    case 6: return pick(3);                                       /* domain 0 (Domus), d1, d2 (a plain domain) */
    case 7: return frame();
    case 8: return pointer();
    case 9: return ~0ul;
    case 10: return 1ul << pick(64);
    case 11: return DOMID_SELF | (pick(4) << 32);
    default: return next();
    }
}

/* Fills the 64 bytes around p with values, if p is somewhere this guest lets itself scribble; aligned stores only. */
static void fill(u64 p)
{
    u64 at = p & ~7ul;
    if (!writable(at) || !writable(at + 63)) return;
    for (int i = 0; i < 8; i++) ((volatile u64 *)at)[i] = value();
}

/* ---- stage 1: the tables Domus walks -------------------------------------------------------------------------- */

#define PAGE_AF (1ul << 10)
#define TCR_FIXED (25ul | 1ul << 8 | 1ul << 10 | 3ul << 12 | 2ul << 32)   /* T0SZ 25, WBWA, inner shareable, 4 KiB, 40-bit PA */
static u64 level1[512] __attribute__((aligned(4096)));

#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((u64)(v)))
#define sysreg_read(r) ({ u64 v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })

static void mmu_on(void)
{
    level1[1] = RAM_BASE | PAGE_AF | 3ul << 8 | 1;               /* 0x40000000: one 1 GiB block, normal memory */
    sysreg_write(mair_el1, 0xff);
    sysreg_write(tcr_el1, TCR_FIXED | 34ul << 16 | 2ul << 30);
    sysreg_write(ttbr0_el1, (u64)level1);
    sysreg_write(ttbr1_el1, ARENA);
    __asm__ volatile("dsb sy; tlbi vmalle1; dsb sy; isb");
    sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | 1 | 1ul << 2 | 1ul << 12);   /* M, C, I */
    __asm__ volatile("isb");
}

/* A descriptor: a table or a leaf in the arena (access flag set, sometimes read-only or dirty-managed), or any value. */
static u64 descriptor(void)
{
    u64 page = ARENA + (pick(ARENA_SIZE >> 12) << 12);
    switch (pick(3)) {
    case 0: return page | 3 | (pick(4) ? 0 : 1ul << 62);          /* table, sometimes APTable read-only */
    case 1: return page | PAGE_AF | (pick(2) ? 3 : 1) | (pick(4) ? 0 : 1ul << 7) | (pick(4) ? 0 : 1ul << 51);
    default: return value();
    }
}

/* A new TTBR1 root, filled with descriptors when it is in the arena, and new TTBR1 fields in TCR. The guest never
 * uses the kernel half itself, so none of this changes what it runs on. */
static void scramble_ttbr1(void)
{
    u64 root = pick(8) ? ARENA + (pick(ARENA_SIZE >> 12) << 12) : pointer();
    if (writable(root & ~0xffful) && writable((root & ~0xffful) + 0xfff)) {
        for (int i = 0; i < 512; i++) ((volatile u64 *)(root & ~0xffful))[i] = descriptor();
    }
    u64 tcr = TCR_FIXED | (34 + pick(6)) << 16 | (pick(8) ? 2ul : pick(4)) << 30;   /* T1SZ, TG1 */
    if (!pick(8)) tcr |= 1ul << 23;                               /* EPD1: no walks */
    if (!pick(4)) tcr |= 1ul << 38;                               /* TBI1 */
    if (!pick(4)) tcr |= pick(4) << 39;                           /* HA, HD */
    sysreg_write(tcr_el1, tcr);
    sysreg_write(ttbr1_el1, root);
    __asm__ volatile("isb");
}

/* Eight words of an array somewhere in the arena: frame numbers (balloon extents) or pairs of small ports. */
static u64 array(int frames)
{
    u64 q = ARENA + (pick(ARENA_SIZE - 64) & ~7ul);
    for (int i = 0; i < 8; i++) ((volatile u64 *)q)[i] = frames ? frame() : pick(40) | pick(40) << 32;
    return q;
}

/*
 * The structure the call reads, laid out as Xen's public headers have it but with values from the edges of what
 * is valid: random bytes alone almost never get past the first check (add_to_physmap and register_vcpu_info,
 * the calls that make Domus write into the guest's pages from then on, never succeeded without this).
 */
static void shape(volatile u64 *w, u64 op, u64 cmd)
{
    u64 self = pick(4) ? DOMID_SELF : pick(3);
    switch (op) {
    case MEMORY_OP:
        switch (cmd & 0x3f) {
        case 0: case 1: case 6:                                   /* xen_memory_reservation */
            w[0] = array(1); w[1] = pick(9); w[2] = pick(11) | (pick(4) ? 0 : next() << 32); w[3] = self; break;
        case 7:                                                   /* xen_add_to_physmap */
            w[0] = self | (pick(4) ? pick(2) : pick(8)) << 32;
            w[1] = pick(4) ? pick(3) : pick(2) ? 0x80000000ul : value(); w[2] = frame(); break;
        default: w[0] = self; break;
        }
        break;
    case EVENT_CHANNEL_OP:                                        /* ports, vCPUs and domains where each op has them */
        w[0] = pick(2) ? pick(40) | pick(3) << 32 : self | pick(3) << 16 | pick(40) << 32;
        w[1] = pick(40); w[2] = pick(40); break;
    case GRANT_TABLE_OP:                                          /* setup_table, query_size, set/get_version */
        w[0] = pick(2) ? self | pick(70) << 32 : pick(3); w[1] = 0; w[2] = pick(4) ? array(0) : pointer(); break;
    case VCPU_OP:                                                 /* vcpu_register_vcpu_info, runstate areas */
        w[0] = (u32)cmd == 10 ? frame() : pick(2) ? ARENA + (pick(ARENA_SIZE) & ~7ul) : pointer();
        w[1] = pick(4) ? pick(512) << 3 : value(); break;
    case SCHED_OP:                                                /* sched_poll, sched_remote_shutdown */
        w[0] = (u32)cmd == 3 ? array(0) : self; w[1] = pick(8) ? pick(8) : value(); w[2] = pick(2) ? 0 : value(); break;
    case HVM_OP:                                                  /* xen_hvm_param */
        w[0] = self | pick(40) << 32; w[1] = value(); break;
    case XEN_VERSION:                                             /* xen_feature_info */
        w[0] = pick(2) ? 0 : pick(4); break;
    default: break;
    }
}

/* ---- xenstore: messages for xenstored, written into its ring as a guest's xenbus writes them ------------------ */

#define HVMOP_GET_PARAM 1
#define HVM_PARAM_STORE_EVTCHN 2
#define EVTCHNOP_SEND 4
static u32 store_port;

/* The store page (XenLayout: the second magic page, in the second half of the Xen region) and its indices. */
static u64 store_page(void) { return ram_end - XEN_REGION / 2 + 0x1000; }

/*
 * One xsd_sockmsg (type, req_id, tx_id, len) and up to 64 bytes of path-like payload at req_prod, then the store
 * event. Until the last tenth of the calls the messages keep the protocol (any of xenstore's types, a random
 * transaction, the payload's true length), as xenstored ends the session of a guest that breaks it; then anything:
 * random types and lengths (past the payload limit too), an index or the connection word scribbled. Responses are
 * mostly thrown away unread (rsp_cons moved up), sometimes left to fill the response ring.
 */
static void store_message(int anything)
{
    static const char chars[] = "/local/domain/1/0123abc-_@\0";
    volatile char *req = (volatile char *)store_page();
    volatile u32 *idx = (volatile u32 *)(store_page() + 2048);  /* req_cons, req_prod, rsp_cons, rsp_prod, features, connection */
    u32 prod = idx[1];
    u32 hdr[4] = { (u32)pick(23), (u32)next(), pick(4) ? 0 : (u32)pick(8), (u32)pick(65) };
    if (anything) {
        if (!pick(4)) hdr[0] = (u32)next();
        if (!pick(4)) hdr[3] = pick(2) ? (u32)pick(8192) : (u32)next();
    }
    u32 n = 0;
    for (int k = 0; k < 16; k++, n++) req[(prod + n) & 1023] = (char)(hdr[k / 4] >> (8 * (k % 4)));
    for (u32 k = 0; k < hdr[3] && k < 64; k++, n++) req[(prod + n) & 1023] = pick(8) ? chars[pick(sizeof chars - 1)] : 0;
    __asm__ volatile("dmb sy");
    idx[1] = anything && !pick(64) ? (u32)next() : prod + n;
    if (anything && !pick(64)) idx[pick(6)] = (u32)next();
    if (pick(4)) idx[2] = idx[3];
    u32 port = store_port;
    xen_hvc(EVENT_CHANNEL_OP, EVTCHNOP_SEND, (u64)&port, 0, 0, 0);
}

/* Whether EVTCHNOP_close at p may name the store's port (bytes read one by one: p need not be aligned). */
static int may_close_store(u64 p)
{
    if (!writable(p) || !writable(p + 3)) return 1;
    u32 port = 0;
    for (int k = 0; k < 4; k++) port |= (u32)((volatile unsigned char *)p)[k] << (8 * k);
    return port == store_port;
}

static u64 arg_pointer(u64 op, u64 cmd)
{
    u64 p = pointer();
    fill(p);
    if (pick(2) && writable(p & ~7ul) && writable((p & ~7ul) + 63)) {
        p &= ~7ul;
        shape((volatile u64 *)p, op, cmd);
    }
    return p;
}

static u64 subop(u64 n) { return pick(5) ? pick(n) : next(); }

/* ---- the seed: hostile.seed=HEX on the command line (QEMU's -append, in the DTB's /chosen) ---------------------- */

static u32 be32(u64 at) { return __builtin_bswap32(*(volatile u32 *)at); }

static int prefix(u64 at, const char *s) { while (*s) if (*(volatile char *)at++ != *s++) return 0; return 1; }

/* The seed from bootargs, or 0: walks the flattened tree's structure block for /chosen's bootargs property. */
static u64 seed_from(u64 dtb)
{
    if (dtb < RAM_BASE || dtb >= RAM_BASE + ARENA_SIZE * 4 || (dtb & 3) || be32(dtb) != 0xd00dfeed) return 0;
    u64 at = dtb + be32(dtb + 8), strings = dtb + be32(dtb + 12), end = dtb + be32(dtb + 4);
    int depth = 0, chosen = 0;
    while (at + 4 <= end) {
        u32 token = be32(at);
        at += 4;
        if (token == 1) {                                         /* FDT_BEGIN_NODE: name, padded to 4 */
            depth++;
            if (depth == 2) chosen = prefix(at, "chosen") && *(volatile char *)(at + 6) == 0;
            while (at < end && *(volatile char *)at) at++;
            at = (at + 4) & ~3ul;
        } else if (token == 2) {                                  /* FDT_END_NODE */
            depth--;
        } else if (token == 3) {                                  /* FDT_PROP: len, name offset, value */
            u32 n = be32(at), name = be32(at + 4);
            u64 v = at + 8;
            at = (v + n + 3) & ~3ul;
            if (!chosen || depth != 2 || !prefix(strings + name, "bootargs")) continue;
            for (u64 c = v; c + 13 < v + n; c++) {
                if (!prefix(c, "hostile.seed=")) continue;
                u64 seed = 0;
                for (c += 13; c < v + n; c++) {
                    char h = *(volatile char *)c;
                    u64 d = h >= '0' && h <= '9' ? (u64)(h - '0') : h >= 'a' && h <= 'f' ? (u64)(h - 'a' + 10) : 16;
                    if (d == 16) break;
                    seed = seed << 4 | d;
                }
                return seed;
            }
        } else if (token != 4) {                                  /* FDT_NOP goes on; FDT_END or garbage stops */
            break;
        }
    }
    return 0;
}

/* ---- the run ------------------------------------------------------------------------------------------------- */

static int errno_ok(s64 r)
{
    return r < 0 && r >= -127 && (errnos[(-r) >> 6] >> ((-r) & 63) & 1);
}

/* CALLS hostile calls from this vCPU, each result checked; its counts and time go in its struct cpu. */
static void run(void)
{
    struct cpu *c = me();
    u64 freq, start, end;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(start));
    for (u64 i = 1; i <= CALLS; i++) {
        u64 op, a0, a1 = value(), a2 = value(), a3 = value(), a4 = value();
        if (!pick(32)) scramble_ttbr1();
        if (!pick(16)) store_message(i >= CALLS - CALLS / 10);
        u64 kind = pick(100);
        op = kind < 80 ? real_ops[pick(sizeof real_ops / sizeof real_ops[0])] : kind < 95 ? pick(64) : next();
        if (op == PSCI_SYSTEM_OFF || op == PSCI_SYSTEM_RESET) op = 63;
        switch (op) {
        case MEMORY_OP: a0 = pick(4) ? pick(20) | (pick(3) ? 0 : pick(4) << 6) : next(); a1 = arg_pointer(op, a0); break;
        case XEN_VERSION: a0 = subop(12); a1 = arg_pointer(op, a0); break;
        case CONSOLE_IO:
            a0 = subop(3);
            a1 = pick(64) ? pick(40) : pick(32) ? pick(20000) : next();   /* short lines of garbage, a few huge */
            a2 = arg_pointer(op, a0);
            break;
        case GRANT_TABLE_OP: a0 = subop(12); a1 = arg_pointer(op, a0); a2 = pick(6) ? 1 : value(); break;
        case VCPU_OP: a0 = subop(16); a1 = pick(6) ? pick(3) : value(); a2 = arg_pointer(op, a0); break;
        case SCHED_OP: a0 = subop(9); a1 = arg_pointer(op, a0); break;
        case EVENT_CHANNEL_OP: a0 = subop(12); a1 = arg_pointer(op, a0); break;
        case HVM_OP: a0 = pick(8) ? pick(3) : pick(2) ? 24 : next(); a1 = pick(8) ? arg_pointer(op, a0) : 0; break;
        case VM_ASSIST: a0 = pick(3); a1 = pick(3) ? pick(8) : value(); break;
        default: a0 = value(); a1 = arg_pointer(op, a0); break;
        }
        if (op == SCHED_OP && ((u32)a0 == SCHEDOP_SHUTDOWN || (u32)a0 == SCHEDOP_SHUTDOWN_CODE)) a0 = 0;
        /* the store's channel stays open for most of the run, so that xenstored gets the messages; closed after */
        if (op == EVENT_CHANNEL_OP && (u32)a0 == 3 && i < CALLS - CALLS / 10 && may_close_store(a1)) a0 = EVTCHNOP_SEND;
        if (op == MEMORY_OP || op == EVENT_CHANNEL_OP || op == GRANT_TABLE_OP || op == SCHED_OP || op == HVM_OP
            || op == VCPU_OP || op == XEN_VERSION || op == CONSOLE_IO || op == VM_ASSIST) c->real++;

        s64 r = (s64)xen_hvc(op, a0, a1, a2, a3, a4);
        if (r == 0) {
            c->zero++;
        } else if (r > 0 && (op == MEMORY_OP || op == XEN_VERSION)) {
            c->positive++;                                           /* extents done, pages, versions, sizes */
        } else if (errno_ok(r)) {
            c->errors++;
        } else {
            if (c->bad++ < BAD_SHOWN) {
                put("HOSTILE-BAD cpu="); dec(c - cpus); put(" call="); dec(i); put(" op="); hex(op); put(" a0="); hex(a0); put(" a1="); hex(a1);
                put(" ret="); hex((u64)r); say();
            }
        }
        if (i % PROGRESS == 0) {
            put("HOSTILE-PROGRESS cpu="); dec(c - cpus); put(" calls="); dec(i); put(" bad="); dec(c->bad); say();
        }
    }
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(end));
    c->calls = CALLS;
    c->ms = freq ? (end - start) * 1000 / freq : 0;
    __asm__ volatile("dsb sy");
    c->done = 1;
    __asm__ volatile("dsb sy");
}

static void start_cpu(struct cpu *c, u64 seed)
{
    c->rng = seed;
    c->line[0] = '\n';
    c->len = 1;
    __asm__ volatile("msr tpidr_el1, %0; isb" :: "r"(c));
}

/* vCPU 1, started with PSCI CPU_ON (through the EL2 program): its own MMU set-up, then the same run. */
void secondary_main(void)
{
    start_cpu(&cpus[1], cpus[1].rng);
    mmu_on();
    run();
}

void main(u64 dtb)
{
    u64 seed = seed_from(dtb);
    start_cpu(&cpus[0], seed ? seed : 0x9e3779b97f4a7c15ul);
    cpus[1].rng = (seed ? seed : 0x9e3779b97f4a7c15ul) ^ 0x5851f42d4c957f2dul;   /* its own sequence, from the same seed */
    u64 self = DOMID_SELF;
    s64 max_gfn = (s64)xen_hvc(MEMORY_OP, XENMEM_MAXIMUM_GPFN, (u64)&self, 0, 0, 0);
    ram_end = max_gfn > 0 ? ((u64)max_gfn + 1) << 12 : ARENA + ARENA_SIZE + XEN_REGION;
    u64 param[2] = { DOMID_SELF | (u64)HVM_PARAM_STORE_EVTCHN << 32, 0 };
    if (xen_hvc(HVM_OP, HVMOP_GET_PARAM, (u64)param, 0, 0, 0) == 0) store_port = (u32)param[1];
    mmu_on();
    put("HOSTILE-START vcpus="); dec(VCPUS); put(" calls="); dec(VCPUS * CALLS); put(" seed="); hex(cpus[0].rng);
    put(" ram_end="); hex(ram_end); put(" store_port="); dec(store_port); say();
    int smp = (s64)smc3(0xc4000003ul, 1, (u64)secondary_entry, 0) == 0;   /* PSCI CPU_ON */
    run();
    u64 freq, t0, t;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(t0));
    /* waits for vCPU 1 in Domus rather than spinning: SCHEDOP_poll on no ports returns after its 10 ms bound */
    u64 poll[3] = { 0, 0, 0 };
    for (t = t0; smp && !cpus[1].done && t - t0 < 600 * freq;) {
        xen_hvc(SCHED_OP, SCHEDOP_POLL, (u64)poll, 0, 0, 0);
        __asm__ volatile("mrs %0, cntvct_el0" : "=r"(t));
    }

    u64 calls = 0, bad = 0, zero = 0, positive = 0, errors = 0, real = 0, ms = 0;
    for (int k = 0; k < VCPUS; k++) {
        struct cpu *c = &cpus[k];
        if (!c->done) continue;
        calls += c->calls; bad += c->bad; zero += c->zero; positive += c->positive; errors += c->errors; real += c->real;
        ms = c->ms > ms ? c->ms : ms;
    }
    /* Domus keeps a bounded buffer of console_io bytes: give its reader time to take the garbage before the summary */
    for (u64 w = t; t - w < freq / 2;) __asm__ volatile("mrs %0, cntvct_el0" : "=r"(t));
    put("HOSTILE-DONE calls="); dec(calls); put(" bad="); dec(bad); put(" zero="); dec(zero); put(" positive=");
    dec(positive); put(" errors="); dec(errors); put(" real_ops="); dec(real); put(" ms="); dec(ms); say();
    smc0(PSCI_SYSTEM_OFF);
}
