/*
 * domus-evtchn: a guest's userspace end of a static event channel (xen,evtchn-v1), for Domus's end-to-end tests.
 * A static Linux/aarch64 program with no C library: raw system calls only.
 *
 *   domus-evtchn send:PORT        notifies PORT once per line read on stdin (the PV console), until "q" or EOF
 *   domus-evtchn recv:PORT:COUNT  waits for COUNT notifications on PORT, unmasking it after each
 *
 * Both first print the port's status as Xen reports it (EVTCHNOP_status): a static channel is bound at build,
 * before the guest runs. Sending needs no binding (EVTCHNOP_send on the port). Receiving goes through the
 * kernel's /dev/xen/evtchn: IOCTL_EVTCHN_BIND_STATIC where the kernel has it (Linux 6.6 and later); Debian
 * 12's 6.1 kernel has not, so there the port is closed and the channel's remote end bound again with
 * IOCTL_EVTCHN_BIND_INTERDOMAIN, the one way a 6.1 guest's userspace can take delivery of it.
 * Hypercalls from userspace go through /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), loaded unrestricted: Debian's
 * privcmd otherwise waits for the store to name a device model's target domain and then allows no other.
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;

/* aarch64 system call numbers (asm-generic/unistd.h) */
#define SYS_ioctl 29
#define SYS_openat 56
#define SYS_read 63
#define SYS_write 64
#define SYS_ppoll 73
#define SYS_exit 93
#define AT_FDCWD (-100)
#define O_RDWR 2
#define POLLIN 1
#define TCSBRK 0x5409

/* include/uapi/xen/privcmd.h, include/uapi/xen/evtchn.h: _IOC(_IOC_NONE, type, nr, size) */
#define IOCTL_PRIVCMD_HYPERCALL 0x00305000u      /* 'P', 0, struct privcmd_hypercall (op, arg[5]) */
#define IOCTL_EVTCHN_BIND_INTERDOMAIN 0x00084501u /* 'E', 1, {remote_domain, remote_port} */
#define IOCTL_EVTCHN_BIND_STATIC 0x00044507u     /* 'E', 7, {port}: Linux 6.6 and later */

/* xen/include/public/xen.h, event_channel.h */
#define HYPERVISOR_event_channel_op 32
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define DOMID_SELF 0x7FF0
#define EVTCHNSTAT_interdomain 2

static long sys6(long n, long a, long b, long c, long d, long e) {
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
    return x0;
}

static long sys3(long n, long a, long b, long c) {
    return sys6(n, a, b, c, 0, 0);
}

/* One console line per call, so that lines of the two programs never interleave within a line. */
static char line[256];
static unsigned long used;

static void add(const char *s) {
    while (*s && used < sizeof line - 1) {
        line[used++] = *s++;
    }
}

static void addNum(long v) {
    char digits[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    if (v < 0) {
        add("-");
    }
    do {
        digits[n++] = '0' + u % 10;
        u /= 10;
    } while (u);
    while (n) {
        char c[2] = {digits[--n], 0};
        add(c);
    }
}

static void flush(void) {
    line[used++] = '\n';
    sys3(SYS_write, 1, (long)line, used);
    used = 0;
}

static void __attribute__((noreturn)) quit(int status) {
    /* tcdrain: the init powers off as soon as this exits, so the last line leaves the console first */
    sys3(SYS_ioctl, 1, TCSBRK, 1);
    sys3(SYS_exit, status, 0, 0);
    for (;;) {
    }
}

static void __attribute__((noreturn)) fail(const char *what, long rc) {
    add("EVTCHN-ERROR ");
    add(what);
    add(" rc=");
    addNum(rc);
    flush();
    quit(1);
}

static int open(const char *path) {
    long fd = sys6(SYS_openat, AT_FDCWD, (long)path, O_RDWR, 0, 0);
    if (fd < 0) {
        fail(path, fd);
    }
    return (int)fd;
}

static int privcmd;

static long hypercall(u64 op, u64 a0, u64 a1) {
    u64 call[6] = {op, a0, a1, 0, 0, 0};
    return sys3(SYS_ioctl, privcmd, IOCTL_PRIVCMD_HYPERCALL, (long)call);
}

/* struct evtchn_status: dom @0 (u16), port @4, status @8, vcpu @12, interdomain {dom @16 (u16), port @20} */
static void status(const char *role, u32 port, u32 *remoteDom, u32 *remotePort) {
    u32 st[6] = {DOMID_SELF, port, 0, 0, 0, 0};
    long rc = hypercall(HYPERVISOR_event_channel_op, EVTCHNOP_status, (u64)st);
    if (rc != 0) {
        fail("EVTCHNOP_status", rc);
    }
    *remoteDom = st[4] & 0xffff;
    *remotePort = st[5];
    add("EVTCHN-STATIC ");
    add(role);
    add(" port=");
    addNum(port);
    add(st[2] == EVTCHNSTAT_interdomain ? " interdomain" : " not-interdomain");
    add(" remote=d");
    addNum(*remoteDom);
    add(":");
    addNum(*remotePort);
    flush();
    if (st[2] != EVTCHNSTAT_interdomain) {
        quit(1);
    }
}

static u32 number(const char **s) {
    u32 v = 0;
    while (**s >= '0' && **s <= '9') {
        v = v * 10 + (u32)(*(*s)++ - '0');
    }
    return v;
}

static void send(u32 port) {
    u32 rd, rp;
    status("send", port, &rd, &rp);
    add("EVTCHN-SENDER-READY port=");
    addNum(port);
    flush();
    long n = 0;
    char c;
    int start = 1;
    while (sys3(SYS_read, 0, (long)&c, 1) == 1) {
        if (start && c == 'q') {
            break;
        }
        start = c == '\n' || c == '\r';
        if (!start) {
            continue;
        }
        u32 arg = port;
        long rc = hypercall(HYPERVISOR_event_channel_op, EVTCHNOP_send, (u64)&arg);
        add("EVTCHN-SENT port=");
        addNum(port);
        add(" n=");
        addNum(++n);
        add(" rc=");
        addNum(rc);
        flush();
    }
}

static void receive(u32 port, u32 count) {
    u32 rd, rp;
    status("recv", port, &rd, &rp);
    int evtchn = open("/dev/xen/evtchn");
    u32 bind = port;
    long local = sys3(SYS_ioctl, evtchn, IOCTL_EVTCHN_BIND_STATIC, (long)&bind);
    const char *how = "bind-static";
    if (local == 0) {
        local = port;
    } else {
        /* no IOCTL_EVTCHN_BIND_STATIC (Linux before 6.6): take the channel's remote end over a new local port */
        u32 arg = port;
        long rc = hypercall(HYPERVISOR_event_channel_op, EVTCHNOP_close, (u64)&arg);
        if (rc != 0) {
            fail("EVTCHNOP_close", rc);
        }
        u32 remote[2] = {rd, rp};
        local = sys3(SYS_ioctl, evtchn, IOCTL_EVTCHN_BIND_INTERDOMAIN, (long)remote);
        if (local < 0) {
            fail("IOCTL_EVTCHN_BIND_INTERDOMAIN", local);
        }
        how = "rebound";
    }
    add("EVTCHN-BOUND port=");
    addNum(local);
    add(" static=");
    addNum(port);
    add(" how=");
    add(how);
    flush();
    /* Xen signals a port once when it is bound to a remote end (notifications to an unbound port are dropped):
     * that one, if it came, is taken before the sender is told to go */
    struct {
        int fd;
        short events, revents;
    } pfd = {evtchn, POLLIN, 0};
    long ts[2] = {0, 500000000};
    u32 got;
    if (sys6(SYS_ppoll, (long)&pfd, 1, (long)ts, 0, 0) > 0 && sys3(SYS_read, evtchn, (long)&got, 4) == 4) {
        add("EVTCHN-PENDING-AT-BIND port=");
        addNum(got);
        flush();
        sys3(SYS_write, evtchn, (long)&got, 4);
    }
    add("EVTCHN-READY port=");
    addNum(local);
    flush();
    for (u32 n = 1; n <= count; n++) {
        long r = sys3(SYS_read, evtchn, (long)&got, 4);
        if (r != 4) {
            fail("read /dev/xen/evtchn", r);
        }
        add("EVTCHN-RECEIVED port=");
        addNum(got);
        add(" n=");
        addNum(n);
        flush();
        /* the driver masks a port when it fires; writing it back unmasks it for the next notification */
        if (sys3(SYS_write, evtchn, (long)&got, 4) != 4) {
            fail("unmask", -1);
        }
    }
}

void __attribute__((noreturn)) start(long argc, char **argv) {
    if (argc < 2) {
        fail("usage: domus-evtchn send:PORT | recv:PORT:COUNT", -22);
    }
    const char *a = argv[1];
    int sending = a[0] == 's';
    while (*a && *a != ':') {
        a++;
    }
    if (*a++ != ':') {
        fail("usage: domus-evtchn send:PORT | recv:PORT:COUNT", -22);
    }
    u32 port = number(&a);
    u32 count = 1;
    if (*a == ':') {
        a++;
        count = number(&a);
    }
    privcmd = open("/dev/xen/privcmd");
    if (sending) {
        send(port);
    } else {
        receive(port, count);
    }
    quit(0);
}

/* The kernel enters with sp at argc, then argv[]. */
__asm__(".globl _start\n"
        "_start:\n"
        "  ldr x0, [sp]\n"
        "  add x1, sp, #8\n"
        "  bl start\n");
