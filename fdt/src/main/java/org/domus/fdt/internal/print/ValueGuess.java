package org.domus.fdt.internal.print;

/**
 * How dtc 1.6.1 prints a non-empty value that carries no type information (every value read from a blob).
 *
 * <ul>
 * <li>{@link #STRING} when the last byte is NUL, every byte is a "string byte" (printable ASCII
 *     0x20..0x7e, NUL, or one of BEL BS TAB LF VT FF CR), and NULs are no more than half the bytes. Empty
 *     strings are allowed anywhere ({@code "a\0\0b"}), as long as the NUL count stays within that half.</li>
 * <li>otherwise {@link #CELLS} when the length is a multiple of four;</li>
 * <li>otherwise {@link #BYTES}.</li>
 * </ul>
 * dtc's character tests run in the C locale, so no byte above 0x7e is printable.
 */
enum ValueGuess {
    STRING, CELLS, BYTES;

    /** The form dtc picks for {@code v}; {@code v} must not be empty. */
    static ValueGuess of(byte[] v) {
        int len = v.length;
        if (v[len - 1] == 0) {
            int nuls = 0;
            boolean allStringBytes = true;
            for (byte b : v) {
                if (b == 0) {
                    nuls++;
                } else if (!isStringByte(b & 0xff)) {
                    allStringBytes = false;
                    break;
                }
            }
            if (allStringBytes && nuls <= len - nuls) {
                return STRING;
            }
        }
        return len % 4 == 0 ? CELLS : BYTES;
    }

    /** Printable in the C locale: space through tilde. */
    static boolean isPrintable(int c) {
        return c >= 0x20 && c <= 0x7e;
    }

    /** A non-NUL byte that may appear in a guessed string: printable, or an escape dtc knows by letter. */
    private static boolean isStringByte(int c) {
        return isPrintable(c) || (c >= 0x07 && c <= 0x0d);
    }
}
