package org.domus.uboot;

/** Addresses and ranges as U-Boot users write them: 0x-prefixed lower-case hex, unsigned. */
final class Hex {
    private Hex() {
    }

    static String of(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** "0x2000000..0x29a1200": start, then the first address after the range. */
    static String range(long start, long size) {
        return of(start) + ".." + of(start + size);
    }
}
