package org.domus.fdt.internal.source;

import java.util.Arrays;

/**
 * C escape sequences in string and character literals, decoded the way dtc 1.6.1 does it:
 * {@code \a \b \t \n \v \f \r}, up to three octal digits, {@code \x} followed by a two-character
 * window read with C's {@code strtol} (so leading blanks and a sign are taken, and {@code \x0x} is
 * {@code \x0} then {@code x}), and any other character standing for itself.
 */
final class Escapes {
    /** {@code \x} with no hex digit after it; dtc stops there. */
    static final class NoHexDigits extends Exception {
        NoHexDigits() {
            super(null, null, false, false);
        }
    }

    private Escapes() {
    }

    /**
     * Decodes {@code len} bytes of {@code src} from {@code start}. As in dtc, an escape at the very end may
     * read past them, up to {@code limit}, where the token (a C string in dtc) ends; beyond it reads NUL.
     */
    static byte[] decode(byte[] src, int start, int len, int limit) throws NoHexDigits {
        byte[] out = new byte[len];
        int o = 0;
        int i = start;
        int end = start + len;
        while (i < end) {
            int c = src[i++] & 0xff;
            if (c == '\\') {
                int e = at(src, i, limit);
                int next = i + 1;
                switch (e) {
                    case 'a' -> c = 7;
                    case 'b' -> c = 8;
                    case 't' -> c = 9;
                    case 'n' -> c = 10;
                    case 'v' -> c = 11;
                    case 'f' -> c = 12;
                    case 'r' -> c = 13;
                    case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                        int v = 0;
                        next = i;
                        for (int k = 0; k < 3 && isOctal(at(src, next, limit)); k++) {
                            v = v * 8 + at(src, next, limit) - '0';
                            next++;
                        }
                        c = v & 0xff;
                    }
                    case 'x' -> {
                        long hex = hexWindow(src, next, limit);
                        next += (int) (hex >>> 32);
                        c = (int) hex & 0xff;
                    }
                    default -> c = e;
                }
                i = next;
            }
            out[o++] = (byte) c;
        }
        return o == len ? out : Arrays.copyOf(out, o);
    }

    /**
     * {@code strtol(window, &end, 16)} on the (at most) two characters at {@code i}: the value in the low
     * 32 bits, the number of characters used in the high 32 bits.
     */
    private static long hexWindow(byte[] src, int i, int limit) throws NoHexDigits {
        int w0 = at(src, i, limit);
        int w1 = w0 == 0 ? 0 : at(src, i + 1, limit);
        int[] w = {w0, w1, 0};
        int k = 0;
        while (k < 2 && isSpace(w[k])) {
            k++;
        }
        boolean negative = false;
        if (k < 2 && (w[k] == '+' || w[k] == '-')) {
            negative = w[k] == '-';
            k++;
        }
        if (k == 0 && w0 == '0' && (w1 | 0x20) == 'x') {
            // "0x" with no digit after the prefix: strtol converts the "0" alone
            return 1L << 32;
        }
        int value = 0;
        int first = k;
        while (k < 2 && hexValue(w[k]) >= 0) {
            value = value * 16 + hexValue(w[k]);
            k++;
        }
        if (k == first) {
            throw new NoHexDigits();
        }
        if (negative) {
            value = -value;
        }
        return ((long) k << 32) | (value & 0xffffffffL);
    }

    private static int at(byte[] src, int i, int limit) {
        return i < limit ? src[i] & 0xff : 0;
    }

    private static boolean isOctal(int c) {
        return c >= '0' && c <= '7';
    }

    /** The value of a hex digit, or -1. */
    static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int lower = c | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= 9 && c <= 13);
    }
}
