package org.domus.dom0less;

/** Byte counts for people: "128 MiB", "1.5 GiB" would hide a KiB, so only exact units are used. */
final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    static String bytes(long bytes) {
        int unit = 0;
        long value = bytes;
        while (value != 0 && value % 1024 == 0 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return Long.toUnsignedString(value) + " " + UNITS[unit];
    }

    /** KiB as a size; values beyond 2^54 KiB (which no host has) stay in KiB rather than overflow. */
    static String kib(long kib) {
        return Long.compareUnsigned(kib, Long.MAX_VALUE >>> 10) > 0 ? Long.toUnsignedString(kib) + " KiB"
                : bytes(kib << 10);
    }
}
