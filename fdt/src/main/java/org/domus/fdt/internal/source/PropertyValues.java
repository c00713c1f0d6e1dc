package org.domus.fdt.internal.source;

import java.nio.charset.StandardCharsets;

/** Reading property values the way dtc's C code does (big-endian cells, NUL-terminated strings). */
final class PropertyValues {
    /** Reads this far past the end of a value are taken as a crash of dtc; nearer ones read as 0. */
    private static final int FAR_OUT_OF_BOUNDS = 1 << 16;

    private PropertyValues() {
    }

    static int length(LiveProperty p) {
        return p.value.length();
    }

    /** Cell {@code index} of the value; past the end (C reads garbage there) it is 0. */
    static int cell(CheckContext ctx, LiveNode node, LiveProperty p, long index) {
        long at = index * 4;
        int len = p.value.length();
        if (at < -FAR_OUT_OF_BOUNDS || at - len > FAR_OUT_OF_BOUNDS) {
            throw ctx.abort(node, p, "reads far outside the value: segmentation fault");
        }
        byte[] b = p.value.array();
        int v = 0;
        for (int k = 0; k < 4; k++) {
            long i = at + k;
            v = v << 8 | (i >= 0 && i < len ? b[(int) i] & 0xff : 0);
        }
        return v;
    }

    /** dtc's propval_cell: asserts that the value is exactly one cell. */
    static int onlyCell(CheckContext ctx, LiveNode node, LiveProperty p) {
        if (p.value.length() != 4) {
            throw ctx.abort(node, p, "propval_cell: Assertion `prop->val.len == sizeof(cell_t)' failed");
        }
        return cell(ctx, node, p, 0);
    }

    /** dtc's data_is_one_string: non-empty, one NUL, at the end. */
    static boolean isOneString(LiveProperty p) {
        int len = p.value.length();
        if (len == 0) {
            return false;
        }
        byte[] b = p.value.array();
        for (int i = 0; i < len - 1; i++) {
            if (b[i] == 0) {
                return false;
            }
        }
        return b[len - 1] == 0;
    }

    /** The value as a C string (up to the first NUL), as printf's %s shows it; "(null)" for an empty value. */
    static String cString(LiveProperty p) {
        int len = p.value.length();
        if (len == 0) {
            return "(null)";
        }
        return cString(p.value.array(), 0, len);
    }

    static String cString(byte[] b, int from, int len) {
        int end = from;
        while (end < len && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    /** True when the value, read as a C string, equals {@code s}. */
    static boolean cStringEquals(LiveProperty p, String s) {
        return p.value.length() > 0 && cString(p).equals(s);
    }

    /** A set of ASCII characters for {@link #span}. */
    static boolean[] charSet(String chars) {
        boolean[] set = new boolean[128];
        for (int i = 0; i < chars.length(); i++) {
            set[chars.charAt(i)] = true;
        }
        return set;
    }

    /** C's strspn over an ASCII set: the length of the prefix of {@code s} made of characters in {@code set}. */
    static int span(String s, boolean[] set) {
        int n = 0;
        while (n < s.length() && s.charAt(n) < 128 && set[s.charAt(n)]) {
            n++;
        }
        return n;
    }

    static String hex(int v) {
        return Integer.toHexString(v);
    }
}
