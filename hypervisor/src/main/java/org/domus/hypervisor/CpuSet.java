package org.domus.hypervisor;

import java.util.BitSet;

/**
 * A set of host CPUs as users and Xen write it: "0-3,6", or "all". Parsed strictly (a typo never silently narrows a
 * vCPU's affinity) and printed back in the same form.
 */
public final class CpuSet {
    private CpuSet() {
    }

    /** "all" (or "any", as plans print an unpinned vCPU) is {@code all}; otherwise numbers and ranges. */
    public static BitSet parse(String text, BitSet all) {
        String t = text.trim();
        if (t.equals("all") || t.equals("any")) {
            return (BitSet) all.clone();
        }
        BitSet set = new BitSet();
        for (String part : t.split(",", -1)) {
            String[] ends = part.split("-", -1);
            if (ends.length > 2 || part.isEmpty()) {
                throw new IllegalArgumentException("'%s' is not a CPU list (such as 0-1,3 or all)".formatted(text));
            }
            int first = number(ends[0], text);
            int last = ends.length == 2 ? number(ends[1], text) : first;
            if (last < first) {
                throw new IllegalArgumentException("'%s' has a range running backwards".formatted(text));
            }
            set.set(first, last + 1);
        }
        return set;
    }

    private static int number(String s, String text) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 4
                || Integer.parseInt(s) >= CpuAffinity.MAX_CPUS) {
            throw new IllegalArgumentException("'%s' is not a CPU list (such as 0-1,3 or all)".formatted(text));
        }
        return Integer.parseInt(s);
    }

    /** "0-3,6"; "all" when it is every CPU of {@code all}; "none" when empty. */
    public static String format(BitSet cpus, BitSet all) {
        if (!cpus.isEmpty() && cpus.equals(all)) {
            return "all";
        }
        StringBuilder s = new StringBuilder();
        for (int i = cpus.nextSetBit(0); i >= 0; ) {
            int end = cpus.nextClearBit(i) - 1;
            s.append(s.isEmpty() ? "" : ",").append(i);
            if (end > i) {
                s.append('-').append(end);
            }
            i = cpus.nextSetBit(end + 1);
        }
        return s.isEmpty() ? "none" : s.toString();
    }
}
