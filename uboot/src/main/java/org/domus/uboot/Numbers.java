package org.domus.uboot;

/**
 * Numbers as U-Boot commands read them. Addresses, sizes and most arguments are hex whether or not they start with
 * {@code 0x} (U-Boot's {@code hextoul}); {@code fdt set} cells follow C ({@code 0x} hex, a leading 0 octal, else
 * decimal: {@code simple_strtoul} with base 0). U-Boot itself stops at the first character that is not a digit and
 * uses what came before, so {@code 0x0x80000} silently means 0; Domus refuses such text instead, since a load at
 * the wrong address corrupts whatever is there.
 */
final class Numbers {
    private Numbers() {
    }

    /** A hex number, 0x optional, the whole text (64-bit, unsigned). */
    static long hex(String text, String what) throws CommandError {
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (digits.isEmpty() || digits.length() > 16 || !digits.chars().allMatch(Numbers::isHexDigit)) {
            String uboot = ubootHex(text);
            throw new CommandError("'%s' is not a valid %s%s".formatted(text, what,
                    uboot == null ? " (U-Boot numbers are hex: digits 0-9 and a-f, 0x optional)"
                            : " (U-Boot would read it as " + uboot + " and go on)"));
        }
        return Long.parseUnsignedLong(digits, 16);
    }

    /** Whether the whole text is a hex number as {@link #hex} takes it. */
    static boolean isHex(String text) {
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        return !digits.isEmpty() && digits.length() <= 16 && digits.chars().allMatch(Numbers::isHexDigit);
    }

    /** A number in C's notation as U-Boot's {@code simple_strtoul(s, &end, 0)} reads it; end says where it stopped. */
    record Parsed(long value, int end) {
    }

    static Parsed c(String text, int from) {
        int i = from;
        int base = 10;
        if (i + 1 < text.length() && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                && i + 2 < text.length() && isHexDigit(text.charAt(i + 2))) {
            base = 16;
            i += 2;
        } else if (i < text.length() && text.charAt(i) == '0') {
            base = 8;
        }
        long value = 0;
        int start = i;
        while (i < text.length() && Character.digit(text.charAt(i), base) >= 0 && text.charAt(i) < 0x80) {
            value = value * base + Character.digit(text.charAt(i), base);
            i++;
        }
        return new Parsed(value, i == start && base != 16 ? from : i);
    }

    /** The text as hex for messages: "0x2000000". */
    static String hex(long value) {
        return Hex.of(value);
    }

    /** What U-Boot's hextoul makes of text it cannot read whole, or null when it reads no digit at all. */
    private static String ubootHex(String text) {
        int i = text.startsWith("0x") || text.startsWith("0X") ? 2 : 0;
        int start = i;
        while (i < text.length() && isHexDigit(text.charAt(i))) {
            i++;
        }
        if (i == start) {
            return null;
        }
        String digits = text.substring(start, Math.min(i, start + 16));
        return Hex.of(Long.parseUnsignedLong(digits, 16));
    }

    private static boolean isHexDigit(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
