package org.domus.dom0less;

import java.util.OptionalLong;

import org.domus.fdt.Property;

/**
 * Numbers read from raw property bytes as Xen's {@code dt_property_read_u32} does: at least 4 bytes, the first
 * cell counts and the rest is ignored. Unsigned values live in longs so that 0xffffffff stays positive.
 */
final class Values {
    private Values() {
    }

    /** The first cell, unsigned, or empty when the value is shorter than one cell. */
    static OptionalLong u32(Property p) {
        return p.length() < 4 ? OptionalLong.empty() : OptionalLong.of(cell(p.value(), 0));
    }

    /** Cell {@code index} (0-based) of {@code bytes}, unsigned. */
    static long cell(byte[] bytes, int index) {
        int at = index * 4;
        return ((bytes[at] & 0xffL) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
                | (bytes[at + 3] & 0xff);
    }

    /**
     * {@code count} cells from {@code first} as one big-endian number, or empty when it needs more than 64 bits
     * (Xen truncates with a warning; an address that does not fit is a mistake worth reporting).
     */
    static OptionalLong number(byte[] bytes, int first, int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            long c = cell(bytes, first + i);
            if (i < count - 2 && c != 0) {
                return OptionalLong.empty();
            }
            value = (value << 32) | c;
        }
        return OptionalLong.of(value);
    }
}
