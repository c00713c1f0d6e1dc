package org.domus.dom0less;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A list of CPU numbers as Xen's {@code hard-affinity} writes it: "0-3,6", decimal or 0x-hex numbers, ranges
 * inclusive. Xen's own parser (domain_vcpu_affinity) stops silently at the first character it does not expect
 * and reads a leading 0 as octal; here both are errors, so a typo never shrinks a vCPU's affinity unnoticed.
 * Ranges are kept as numbers until checked, so that "0-4000000000" costs nothing.
 */
record CpuList(List<Range> ranges) {
    record Range(long first, long last) {
        @Override
        public String toString() {
            return first == last ? Long.toString(first) : first + "-" + last;
        }
    }

    /** Thrown for text that is not a CPU list; the message says what and where. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    CpuList {
        ranges = List.copyOf(ranges);
    }

    static CpuList parse(String text) throws SyntaxException {
        if (text.isEmpty()) {
            throw new SyntaxException("is empty");
        }
        List<Range> out = new ArrayList<>();
        int[] at = {0};
        while (true) {
            long first = number(text, at);
            long last = first;
            if (at[0] < text.length() && text.charAt(at[0]) == '-') {
                at[0]++;
                last = number(text, at);
                if (last < first) {
                    throw new SyntaxException("has a range running backwards (" + first + "-" + last + ")");
                }
            }
            out.add(new Range(first, last));
            if (at[0] == text.length()) {
                return new CpuList(out);
            }
            if (text.charAt(at[0]) != ',') {
                throw new SyntaxException("has an unexpected \"" + text.charAt(at[0]) + "\" at offset " + at[0]);
            }
            at[0]++;
        }
    }

    /** The CPUs at or above {@code limit}, as a list ("8-9,12"), or "" when there are none. */
    String atOrAbove(long limit) {
        List<String> parts = new ArrayList<>();
        for (Range r : ranges) {
            if (r.last() >= limit) {
                parts.add(new Range(Math.max(r.first(), limit), r.last()).toString());
            }
        }
        return String.join(",", parts);
    }

    /** The CPUs below {@code limit} as a set (callers check {@link #atOrAbove} first). */
    BitSet below(int limit) {
        BitSet set = new BitSet();
        for (Range r : ranges) {
            if (r.first() < limit) {
                set.set((int) r.first(), (int) Math.min(r.last(), limit - 1) + 1);
            }
        }
        return set;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        ranges.forEach(r -> parts.add(r.toString()));
        return String.join(",", parts);
    }

    private static long number(String text, int[] at) throws SyntaxException {
        int start = at[0];
        int radix = 10;
        if (text.startsWith("0x", start) || text.startsWith("0X", start)) {
            radix = 16;
            start += 2;
        }
        int end = start;
        while (end < text.length() && Character.digit(text.charAt(end), radix) >= 0) {
            end++;
        }
        if (end == start) {
            throw new SyntaxException(at[0] < text.length()
                    ? "has an unexpected \"" + text.charAt(at[0]) + "\" at offset " + at[0]
                    : "ends where a CPU number should be");
        }
        if (radix == 10 && end - start > 1 && text.charAt(start) == '0') {
            throw new SyntaxException("has a number with a leading 0 (" + text.substring(start, end)
                    + "), which Xen reads as octal");
        }
        if (end - start > 15) {
            // beyond any host: saturate, the host check reports it
            at[0] = end;
            return Long.MAX_VALUE;
        }
        at[0] = end;
        return Long.parseLong(text, start, end, radix);
    }
}
