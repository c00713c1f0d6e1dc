/*
 * A hostile Xen guest for HostileGuestSystemTest: entered at EL1 by engine-qemu's test-kernel entry code
 * (engine-qemu/src/test/el2/testkernel.S and .ld, built with this file), MMU off, interrupts masked. It makes
 * CALLS hypercalls with random numbers (mostly Xen's real ops), random sub-ops, random arguments and pointers
 * (wild, just outside RAM, across its end, across pages, into the Xen pages at the top of RAM, or into a scratch
 * arena it fills with random plausible structures first), and checks that each returns 0, a non-negative count
 * where the ABI has one (memory_op, xen_version), or a negated errno of Xen's public/errno.h. It reports on the
 * console with CONSOLEIO_write: HOSTILE-START, HOSTILE-PROGRESS every PROGRESS calls, HOSTILE-BAD for the first
 * bad results, HOSTILE-DONE with the counts, then powers off with PSCI SYSTEM_OFF.
 *
 * What it leaves alone is what would end or wreck itself, not Domus: SCHEDOP_shutdown and SCHEDOP_shutdown_code
 * (the domain's own end; a random code would turn the final power-off into a reboot), the PSCI function numbers
 * Domus takes as power-off/reset, and its own code, stack and the EL2 program below the arena (a guest at EL1
 * without stage 2 can overwrite those itself anyway). Everything else of its RAM is fair game.
 */
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;
typedef int64_t s64;

#define CALLS 60000
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

/* The entry code's interrupt and secondary-CPU hooks: this guest keeps interrupts masked and starts no vCPU. */
void irq(void) { }
void secondary_main(void) { }

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

static u64 ram_end;
static u64 rng = 0x9e3779b97f4a7c15ul;
static u64 next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static u64 pick(u64 n) { return next() % n; }

/* ---- the console: CONSOLEIO_write of one line --------------------------------------------------------------- */

static char line[160];
static u32 len;

static void put(const char *s) { while (*s && len < sizeof line - 1) line[len++] = *s++; }
static void dec(u64 v)
{
    char d[20];
    int n = 0;
    do { d[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n && len < sizeof line - 1) line[len++] = d[--n];
}
static void hex(u64 v)
{
    put("0x");
    for (int s = 60; s >= 0; s -= 4) {
        if (len < sizeof line - 1 && (v >> s || s == 0)) line[len++] = "0123456789abcdef"[(v >> s) & 0xf];
    }
}
/* Starts with a newline too: the garbage written before rarely ends with one, and a report must start its own line. */
static void say(void)
{
    line[len++] = '\n';
    xen_hvc(CONSOLE_IO, 0, 1, (u64)"\n", 0, 0);
    xen_hvc(CONSOLE_IO, 0, len, (u64)line, 0, 0);
    len = 0;
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
    case 7: return 0xffff000000000000ul | next();                 /* a kernel-half address, MMU off */
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

/* Fills the 64 bytes around p with values, if p is somewhere this guest lets itself scribble; aligned stores only (MMU off). */
static void fill(u64 p)
{
    u64 at = p & ~7ul;
    if (!writable(at) || !writable(at + 63)) return;
    for (int i = 0; i < 8; i++) ((volatile u64 *)at)[i] = value();
}

static u64 arg_pointer(void)
{
    u64 p = pointer();
    fill(p);
    return p;
}

static u64 subop(u64 n) { return pick(5) ? pick(n) : next(); }

/* ---- the run ------------------------------------------------------------------------------------------------- */

static int errno_ok(s64 r)
{
    return r < 0 && r >= -127 && (errnos[(-r) >> 6] >> ((-r) & 63) & 1);
}

void main(void)
{
    u64 self = DOMID_SELF;
    s64 max_gfn = (s64)xen_hvc(MEMORY_OP, XENMEM_MAXIMUM_GPFN, (u64)&self, 0, 0, 0);
    ram_end = max_gfn > 0 ? ((u64)max_gfn + 1) << 12 : ARENA + ARENA_SIZE + XEN_REGION;
    u64 freq = 0, start;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(start));
    put("HOSTILE-START calls="); dec(CALLS); put(" ram_end="); hex(ram_end); say();

    u64 bad = 0, zero = 0, positive = 0, errors = 0, real = 0;
    for (u64 i = 1; i <= CALLS; i++) {
        u64 op, a0, a1 = value(), a2 = value(), a3 = value(), a4 = value();
        u64 kind = pick(100);
        op = kind < 80 ? real_ops[pick(sizeof real_ops / sizeof real_ops[0])] : kind < 95 ? pick(64) : next();
        if (op == PSCI_SYSTEM_OFF || op == PSCI_SYSTEM_RESET) op = 63;
        switch (op) {
        case MEMORY_OP: a0 = pick(4) ? pick(20) | (pick(3) ? 0 : pick(4) << 6) : next(); a1 = arg_pointer(); break;
        case XEN_VERSION: a0 = subop(12); a1 = arg_pointer(); break;
        case CONSOLE_IO:
            a0 = subop(3);
            a1 = pick(64) ? pick(40) : pick(32) ? pick(20000) : next();   /* short lines of garbage, a few huge */
            a2 = arg_pointer();
            break;
        case GRANT_TABLE_OP: a0 = subop(12); a1 = arg_pointer(); a2 = pick(6) ? 1 : value(); break;
        case VCPU_OP: a0 = subop(16); a1 = pick(6) ? pick(3) : value(); a2 = arg_pointer(); break;
        case SCHED_OP: a0 = subop(9); a1 = arg_pointer(); break;
        case EVENT_CHANNEL_OP: a0 = subop(12); a1 = arg_pointer(); break;
        case HVM_OP: a0 = pick(8) ? pick(3) : pick(2) ? 24 : next(); a1 = pick(8) ? arg_pointer() : 0; break;
        case VM_ASSIST: a0 = pick(3); a1 = pick(3) ? pick(8) : value(); break;
        default: a0 = value(); a1 = arg_pointer(); break;
        }
        if (op == SCHED_OP && ((u32)a0 == SCHEDOP_SHUTDOWN || (u32)a0 == SCHEDOP_SHUTDOWN_CODE)) a0 = 0;
        if (op == MEMORY_OP || op == EVENT_CHANNEL_OP || op == GRANT_TABLE_OP || op == SCHED_OP || op == HVM_OP
            || op == VCPU_OP || op == XEN_VERSION || op == CONSOLE_IO || op == VM_ASSIST) real++;

        s64 r = (s64)xen_hvc(op, a0, a1, a2, a3, a4);
        if (r == 0) {
            zero++;
        } else if (r > 0 && (op == MEMORY_OP || op == XEN_VERSION)) {
            positive++;                                           /* extents done, pages, versions, sizes */
        } else if (errno_ok(r)) {
            errors++;
        } else {
            if (bad++ < BAD_SHOWN) {
                put("HOSTILE-BAD call="); dec(i); put(" op="); hex(op); put(" a0="); hex(a0); put(" a1="); hex(a1);
                put(" ret="); hex((u64)r); say();
            }
        }
        if (i % PROGRESS == 0) {
            put("HOSTILE-PROGRESS calls="); dec(i); put(" bad="); dec(bad); say();
        }
    }
    u64 end;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(end));
    /* Domus keeps a bounded buffer of console_io bytes: give its reader time to take the garbage before the summary */
    for (u64 t = end; t - end < freq / 2;) __asm__ volatile("mrs %0, cntvct_el0" : "=r"(t));
    put("HOSTILE-DONE calls="); dec(CALLS); put(" bad="); dec(bad); put(" zero="); dec(zero); put(" positive=");
    dec(positive); put(" errors="); dec(errors); put(" real_ops="); dec(real); put(" ms=");
    dec(freq ? (end - start) * 1000 / freq : 0); say();
    smc0(PSCI_SYSTEM_OFF);
}
