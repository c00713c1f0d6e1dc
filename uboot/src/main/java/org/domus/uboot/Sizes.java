package org.domus.uboot;

import java.util.Locale;

/** Sizes for people, and the sizes {@code --board-memory} takes. */
public final class Sizes {
    private Sizes() {
    }

    /** "4 GiB", "512 MiB", "9.9 MiB", "300 bytes". */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        boolean whole = value == Math.floor(value);
        return String.format(Locale.ROOT, whole ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }

    /**
     * A size as given to {@code --board-memory}: a number (decimal, or hex with 0x) with an optional K, M, G or T
     * suffix (binary units; "KiB"-style and a trailing "B" also read).
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static long parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B") && !t.startsWith("0X")) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty() && "KMGT".indexOf(t.charAt(t.length() - 1)) >= 0) {
            shift = 10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1);
            t = t.substring(0, t.length() - 1);
        }
        long value;
        try {
            value = t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 4G, 512M, 0x80000000)");
        }
        if (value <= 0 || value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is not a usable memory size");
        }
        return value << shift;
    }
}
