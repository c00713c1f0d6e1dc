package org.domus.dom0less;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.domus.fdt.Property;

/**
 * Xen's own command line and the few options of it Domus acts on: {@code sched=}, {@code conswitch=},
 * {@code dom0_mem=}, {@code dom0_max_vcpus=}. Every other option is Xen's business and passes silently.
 */
final class XenArgs {
    static final String DEFAULT_SCHEDULER = "credit2";
    /** The schedulers Xen can be built with (xen/common/sched/Kconfig); anything else Xen refuses at boot. */
    static final Set<String> SCHEDULERS = Set.of("credit", "credit2", "null", "rtds", "arinc653");
    static final char DEFAULT_CONSWITCH = 'a';

    private XenArgs() {
    }

    /**
     * Xen's command line as boot_fdt_cmdline() picks it: {@code xen,xen-bootargs}; failing that, /chosen
     * {@code bootargs} but only when dom0 has a command line of its own elsewhere ({@code xen,dom0-bootargs}, or
     * a non-empty {@code bootargs} on the dom0 kernel module); otherwise none.
     */
    static XenCommandLine read(Located chosen, boolean dom0KernelHasBootargs, Problems problems) {
        var node = chosen.node();
        String given = node.property("xen,xen-bootargs").map(Property::string).orElse(null);
        if (given == null && (node.property("xen,dom0-bootargs").isPresent() || dom0KernelHasBootargs)) {
            given = node.property("bootargs").map(Property::string).orElse(null);
        }
        String raw = given == null ? "" : given;
        var xen = new XenCommandLine(raw, scheduler(raw, chosen.path(), problems),
                conswitch(raw, chosen.path(), problems), dom0MemKib(raw, chosen.path(), problems));
        option(raw, "dom0_max_vcpus").filter(v -> dom0MaxVcpus(raw).isEmpty()).ifPresent(v -> problems.add(Rule.XEN_BOOTARGS, chosen.path(), "dom0_max_vcpus=%s is not a number: dom0 gets every host CPU", v));
        return xen;
    }

    /** {@code dom0_max_vcpus=}, a plain number on Arm (integer_param); empty when absent or not a number. */
    static OptionalLong dom0MaxVcpus(String raw) {
        Optional<String> v = option(raw, "dom0_max_vcpus");
        try {
            if (v.isPresent()) {
                String s = v.get();
                return OptionalLong.of(s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s));
            }
        } catch (NumberFormatException e) {
            // reported by read()
        }
        return OptionalLong.empty();
    }

    /** The value of the last {@code name=value} on the line (Xen applies options in order, so the last wins). */
    static Optional<String> option(String raw, String name) {
        String value = null;
        for (String word : raw.trim().split("\\s+")) {
            if (word.startsWith(name + "=")) {
                value = word.substring(name.length() + 1);
            }
        }
        return Optional.ofNullable(value);
    }

    /**
     * Xen's parse_size_and_unit (xen/common/lib.c) as dom0_mem on Arm uses it: a number (0x hex, leading-0 octal,
     * else decimal) then T, G, M, K or B (any case); with no suffix the number is in KiB. Anything after the
     * suffix makes it invalid. Returns bytes.
     */
    static OptionalLong sizeBytes(String text) {
        int at = 0;
        int radix = 10;
        if (text.startsWith("0x") || text.startsWith("0X")) {
            radix = 16;
            at = 2;
        } else if (text.startsWith("0") && text.length() > 1 && Character.isDigit(text.charAt(1))) {
            radix = 8;
            at = 1;
        }
        int start = at;
        while (at < text.length() && Character.digit(text.charAt(at), radix) >= 0) {
            at++;
        }
        if (at == start) {
            return OptionalLong.empty();
        }
        long value;
        try {
            value = Long.parseLong(text, start, at, radix);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        int shift = 10;
        if (at < text.length()) {
            switch (Character.toUpperCase(text.charAt(at))) {
                case 'T' -> shift = 40;
                case 'G' -> shift = 30;
                case 'M' -> shift = 20;
                case 'K' -> shift = 10;
                case 'B' -> shift = 0;
                default -> {
                    return OptionalLong.empty();
                }
            }
            at++;
        }
        if (at != text.length() || (value != 0 && Long.numberOfLeadingZeros(value) <= shift)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(value << shift);
    }

    private static String scheduler(String raw, String path, Problems problems) {
        Optional<String> sched = option(raw, "sched");
        if (sched.isEmpty()) {
            return DEFAULT_SCHEDULER;
        }
        if (!SCHEDULERS.contains(sched.get())) {
            problems.add(Rule.XEN_BOOTARGS, path,
                    "sched=%s is not a Xen scheduler (credit, credit2, null, rtds, arinc653): Xen falls back to %s",
                    sched.get(), DEFAULT_SCHEDULER);
            return DEFAULT_SCHEDULER;
        }
        return sched.get();
    }

    /** Xen's conswitch=&lt;letter&gt;[x]: Ctrl-&lt;letter&gt; three times switches input; 'x' = do not start on dom0. */
    private static char conswitch(String raw, String path, Problems problems) {
        Optional<String> value = option(raw, "conswitch");
        if (value.isEmpty()) {
            return DEFAULT_CONSWITCH;
        }
        String v = value.get();
        boolean letter = !v.isEmpty() && v.charAt(0) >= 'a' && v.charAt(0) <= 'z';
        if (!letter || v.length() > 2 || (v.length() == 2 && v.charAt(1) != 'x')) {
            problems.add(Rule.XEN_BOOTARGS, path,
                    "conswitch=%s is not a lower-case letter optionally followed by x: using Ctrl-%c", v,
                    DEFAULT_CONSWITCH);
            return DEFAULT_CONSWITCH;
        }
        return v.charAt(0);
    }

    private static long dom0MemKib(String raw, String path, Problems problems) {
        Optional<String> value = option(raw, "dom0_mem");
        if (value.isEmpty()) {
            return -1;
        }
        OptionalLong bytes = sizeBytes(value.get());
        if (bytes.isEmpty() || bytes.getAsLong() == 0) {
            problems.add(Rule.XEN_BOOTARGS, path,
                    "dom0_mem=%s is not a size (a number with K, M, G, T or B; no suffix means KiB): ignored",
                    value.get());
            return -1;
        }
        return bytes.getAsLong() >> 10;
    }
}
