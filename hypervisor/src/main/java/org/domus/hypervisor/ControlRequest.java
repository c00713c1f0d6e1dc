package org.domus.hypervisor;

import java.time.Duration;

/**
 * A request of the control protocol, one record per operation, each naming the reply it gets. The records are where
 * the protocol's defaults and limits live: the CLI builds them, {@link ControlCodec} carries them, the server
 * switches over them, and none of the three knows a default of its own.
 *
 * @param <R> what the system answers it with
 */
public sealed interface ControlRequest<R extends ControlReply> {
    /** Its name on the wire ({@code "op"}). */
    default String op() {
        return Op.of(this).wire;
    }

    /** The reply it gets. */
    @SuppressWarnings("unchecked") // Op's constructor ties each record to the reply its type argument names
    default Class<R> replyType() {
        return (Class<R>) Op.of(this).reply;
    }

    /**
     * The operations, one per record: its name on the wire and the reply it gets, the one place either is said. The
     * constructor's type parameter makes the compiler check each reply against the record's own type argument.
     */
    enum Op {
        SYSTEM("system", SystemQuery.class, ControlReply.SystemInfo.class),
        LIST("list", ListDomains.class, ControlReply.Domains.class),
        INFO("info", Info.class, ControlReply.OneDomain.class),
        PAUSE("pause", Pause.class, ControlReply.OneDomain.class),
        UNPAUSE("unpause", Unpause.class, ControlReply.OneDomain.class),
        SHUTDOWN("shutdown", Shutdown.class, ControlReply.OneDomain.class),
        REBOOT("reboot", Reboot.class, ControlReply.OneDomain.class),
        DESTROY("destroy", Destroy.class, ControlReply.OneDomain.class),
        CREATE("create", Create.class, ControlReply.OneDomain.class),
        SYSRQ("sysrq", Sysrq.class, ControlReply.OneDomain.class),
        MEM_SET("mem-set", MemSet.class, ControlReply.OneDomain.class),
        VCPU_SET("vcpu-set", VcpuSet.class, ControlReply.OneDomain.class),
        VCPU_LIST("vcpu-list", VcpuList.class, ControlReply.Vcpus.class),
        VCPU_PIN("vcpu-pin", VcpuPin.class, ControlReply.Vcpus.class),
        CPUPOOL_LIST("cpupool-list", CpupoolList.class, ControlReply.Cpupools.class),
        DMESG("dmesg", Dmesg.class, ControlReply.Events.class),
        INIT_DOM0LESS("init-dom0less", InitDom0less.class, ControlReply.Dom0lessInit.class),
        CONSOLE("console", Console.class, ControlReply.ConsoleAttached.class);

        private static final Op[] ALL = values();

        private final String wire;
        private final Class<?> record;
        private final Class<? extends ControlReply> reply;

        <Q extends ControlReply> Op(String wire, Class<? extends ControlRequest<Q>> record, Class<Q> reply) {
            this.wire = wire;
            this.record = record;
            this.reply = reply;
        }

        /** Its name on the wire. */
        public String wire() {
            return wire;
        }

        /** The operation named {@code wire}, or null if none is. */
        public static Op named(String wire) {
            for (Op op : ALL) {
                if (op.wire.equals(wire)) {
                    return op;
                }
            }
            return null;
        }

        /** {@code request}'s operation. */
        static Op of(ControlRequest<?> request) {
            for (Op op : ALL) {
                if (op.record == request.getClass()) {
                    return op;
                }
            }
            throw new IllegalStateException("no operation for " + request.getClass().getSimpleName()); // ControlLinesTest: never
        }
    }

    /** A request about one domain, named by its name, id or dN. */
    interface OnDomain {
        String domain();
    }

    /** Which system this is: {@link ControlReply.SystemInfo}. */
    record SystemQuery() implements ControlRequest<ControlReply.SystemInfo> {
    }

    /**
     * The domains, as {@code xl list}: those that exist (built, running, paused or restarting), and with {@code all}
     * also those defined but stopped (shut down, crashed or destroyed).
     */
    record ListDomains(boolean all) implements ControlRequest<ControlReply.Domains> {
    }

    /** One domain in full. */
    record Info(String domain) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Info {
            checkDomain(domain);
        }
    }

    record Pause(String domain) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Pause {
            checkDomain(domain);
        }
    }

    record Unpause(String domain) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Unpause {
            checkDomain(domain);
        }
    }

    /**
     * The power button; the domain is destroyed if still running after {@code timeout}. With {@code await} the reply
     * comes once it has ended.
     */
    record Shutdown(String domain, Duration timeout, boolean await)
            implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Shutdown {
            checkDomain(domain);
            checkTimeout(timeout);
        }

        /** With the default timeout and no waiting. */
        public Shutdown(String domain) {
            this(domain, DEFAULT_TIMEOUT, false);
        }
    }

    /**
     * The power button, and after {@code timeout} (at once when {@code force}) a reset: rebuilt from the modules kept
     * at boot. With {@code await} the reply comes once it runs again (or has ended).
     */
    record Reboot(String domain, Duration timeout, boolean force, boolean await)
            implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Reboot {
            checkDomain(domain);
            checkTimeout(timeout);
        }

        /** With the default timeout, not forced, no waiting. */
        public Reboot(String domain) {
            this(domain, DEFAULT_TIMEOUT, false, false);
        }
    }

    /** Stops it at once, whatever its policies say. */
    record Destroy(String domain) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Destroy {
            checkDomain(domain);
        }
    }

    /** Starts a stopped domain again, as {@code xl create}: from the modules kept at boot, same id and name. */
    record Create(String domain) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Create {
            checkDomain(domain);
        }
    }

    /**
     * xl's sysrq: {@code key}, one printable character, written to the guest's {@code control/sysrq}; its kernel
     * performs the request (h: help in its kernel log). Only a Xen guest connected to its store can be asked.
     */
    record Sysrq(String domain, String key) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public Sysrq {
            checkDomain(domain);
            if (key == null || key.length() != 1 || key.charAt(0) <= ' ' || key.charAt(0) > '~') {
                throw new IllegalArgumentException("sysrq key %s: give one letter, digit or sign, as sysrq.rst lists them (h: help)"
                        .formatted(key == null ? "missing" : "'" + ControlCodec.shown(key) + "'"));
            }
        }
    }

    /**
     * xl's mem-set: the guest's balloon target, {@code memory/target} in KiB (and its maximum reservation set just
     * above it, as xl enforces it). The guest's balloon driver gives memory back, or takes it again up to the memory
     * the domain was built with.
     */
    record MemSet(String domain, long targetKib) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public MemSet {
            checkDomain(domain);
            if (targetKib < 0) {
                throw new IllegalArgumentException("memory target %d KiB: give a size from 0".formatted(targetKib));
            }
        }

        /**
         * A size as xl reads one (its {@code parse_mem_size_kb}), in KiB: a whole number with one optional unit, t, g,
         * m, k or b (any case); a bare number is MiB. Bytes are rounded down to KiB, as xl does.
         */
        public static long kib(String text) {
            String t = text == null ? "" : text.strip();
            int end = t.length();
            char unit = end > 0 && !Character.isDigit(t.charAt(end - 1)) ? Character.toLowerCase(t.charAt(--end)) : 'm';
            String digits = t.substring(0, end);
            int shift = switch (unit) {
                case 't' -> 30;
                case 'g' -> 20;
                case 'm' -> 10;
                case 'k' -> 0;
                case 'b' -> -10;
                default -> Integer.MIN_VALUE;
            };
            if (shift == Integer.MIN_VALUE || digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("invalid memory size: '%s' (a number of MiB, or with a unit: 512m, 1g, 131072k)"
                        .formatted(ControlCodec.shown(text == null ? "" : text)));
            }
            try {
                long n = Long.parseLong(digits);
                if (shift < 0) {
                    return n >> -shift;
                }
                if (n > (Long.MAX_VALUE >> shift)) {
                    throw new NumberFormatException();
                }
                return n << shift;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid memory size: '%s' is too large".formatted(ControlCodec.shown(text)));
            }
        }
    }

    /**
     * xl's vcpu-set: vCPUs 0 to {@code vcpus - 1} online, the rest offline, through each {@code cpu/N/availability};
     * the guest's kernel takes the others offline (its userspace brings added ones online, as a udev rule does).
     */
    record VcpuSet(String domain, int vcpus) implements ControlRequest<ControlReply.OneDomain>, OnDomain {
        public VcpuSet {
            checkDomain(domain);
            if (vcpus < 1) {
                throw new IllegalArgumentException("requested %d vCPUs: a domain keeps at least one".formatted(vcpus));
            }
        }

        /** {@code text} as a vCPU count: a whole number from 1. */
        public static int count(String text) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'%s' is not a number of vCPUs".formatted(ControlCodec.shown(text == null ? "" : text)));
            }
        }
    }

    /** The vCPUs of every domain, or of {@code domain} alone when it is not null. */
    record VcpuList(String domain) implements ControlRequest<ControlReply.Vcpus> {
        public VcpuList {
            if (domain != null) {
                checkDomain(domain);
            }
        }

        /** Every domain's. */
        public VcpuList() {
            this(null);
        }
    }

    /**
     * Pins vCPU {@code vcpu} ({@link #ALL}: every one) of {@code domain} to host CPUs {@code cpus}, a list such as
     * {@code 0-1,3} or {@code all}; the host's CPUs are known only where the system runs, so it reads the list.
     */
    record VcpuPin(String domain, int vcpu, String cpus) implements ControlRequest<ControlReply.Vcpus>, OnDomain {
        /** Every vCPU of the domain; {@code "all"} on the wire and on the command line. */
        public static final int ALL = -1;

        public VcpuPin {
            checkDomain(domain);
            if (vcpu < ALL) {
                throw new IllegalArgumentException("vCPU %d: a vCPU is a number from 0, or all".formatted(vcpu));
            }
            if (cpus == null || cpus.isBlank()) {
                throw new IllegalArgumentException("no host CPUs given: a list such as 0-1,3, or all");
            }
        }

        /** {@code text} as a vCPU: a number, or {@code all}. */
        public static int vcpu(String text) {
            if (text.equals("all")) {
                return ALL;
            }
            try {
                int v = Integer.parseInt(text);
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException("'%s' is not a vCPU number (or all)".formatted(text));
        }
    }

    /**
     * The cpupools, as {@code xl cpupool-list}: every one, or the one named {@code pool} (its name, Pool-N, or its
     * xen,cpupool node's name or path) when it is not null.
     */
    record CpupoolList(String pool) implements ControlRequest<ControlReply.Cpupools> {
        public CpupoolList {
            if (pool != null && pool.isEmpty()) {
                throw new IllegalArgumentException("an empty cpupool name: give Pool-N or its node's name, or none for all");
            }
        }

        /** Every pool. */
        public CpupoolList() {
            this(null);
        }
    }

    /** Domus's own events, oldest first. */
    record Dmesg() implements ControlRequest<ControlReply.Events> {
    }

    /** init-dom0less's handshake for every enhanced domain that has not had it. */
    record InitDom0less() implements ControlRequest<ControlReply.Dom0lessInit> {
    }

    /**
     * Attaches to a domain's console, holding its input if {@code input} and nobody holds it yet. After the reply
     * the connection carries the raw console both ways until the client closes it or the domain ends.
     */
    record Console(String domain, boolean input) implements ControlRequest<ControlReply.ConsoleAttached>, OnDomain {
        public Console {
            checkDomain(domain);
        }
    }

    /** How long the guest gets to act on the power button when the request does not say. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Beyond this a timeout is a mistake (and adding the settling time to it would overflow). */
    Duration MAX_TIMEOUT = Duration.ofDays(365);

    private static void checkDomain(String domain) {
        if (domain == null || domain.isEmpty()) {
            throw new IllegalArgumentException("no domain named: give its name, id or dN");
        }
    }

    private static void checkTimeout(Duration timeout) {
        if (timeout == null) {
            throw new IllegalArgumentException("no timeout given");
        }
        // whole seconds: what the command line takes and the wire carries
        if (timeout.getNano() != 0) {
            throw new IllegalArgumentException("timeout %s: give whole seconds".formatted(timeout));
        }
        if (timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout %d s: give 0 to %d seconds".formatted(timeout.getSeconds(),
                    MAX_TIMEOUT.toSeconds()));
        }
    }
}
