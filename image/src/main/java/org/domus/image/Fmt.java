package org.domus.image;

import java.util.Locale;

/** Number formats shared by the probe's one-line details and the messages about modules. */
public final class Fmt {
    private Fmt() {
    }

    /** An address or a field as the boot documents write it: 0x-prefixed lower-case hex, unsigned. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** A size for people: "512 bytes", "36 MiB", "1.5 KiB" (one decimal only when not whole). */
    public static String size(long bytes) {
        if (bytes < 0) {
            return Long.toUnsignedString(bytes) + " bytes";
        }
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int unit = 0;
        double value = bytes / 1024.0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        boolean whole = bytes % (1L << (10 * (unit + 1))) == 0;
        return (whole ? String.format(Locale.ROOT, "%d", (long) value) : String.format(Locale.ROOT, "%.1f", value))
                + " " + units[unit];
    }
}
