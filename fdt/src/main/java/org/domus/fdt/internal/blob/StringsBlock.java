package org.domus.fdt.internal.blob;

import java.util.HashMap;
import java.util.Map;

import org.domus.fdt.DtbException;

/** Property names read from the strings block, each offset decoded once. */
final class StringsBlock {
    /**
     * Distinct offsets may point into the same long string (dtc itself shares tails), so a crafted blob
     * could make the names far larger than the blob: cap what decoding may add beyond the block itself.
     */
    static final int NAME_BYTES_BEYOND_BLOCK = 4 << 20;

    private final byte[] blob;
    private final int start;
    private final int end;
    private final long budget;
    private final Map<Long, String> byOffset = new HashMap<>();
    private long decoded;

    StringsBlock(byte[] blob, int start, int end) {
        this.blob = blob;
        this.start = start;
        this.end = end;
        this.budget = (long) (end - start) + NAME_BYTES_BEYOND_BLOCK;
    }

    /** The name at {@code nameOffset} into the block; {@code fieldAt} is where the offset was read. */
    String name(long nameOffset, int fieldAt) throws DtbException {
        String cached = byOffset.get(nameOffset);
        if (cached != null) {
            return cached;
        }
        if (nameOffset >= end - start) {
            throw new DtbException(fieldAt, "property name offset 0x%x is outside the strings block (0x%x bytes)"
                    .formatted(nameOffset, end - start));
        }
        int from = start + (int) nameOffset;
        int nul = from;
        while (nul < end && blob[nul] != 0) {
            nul++;
        }
        if (nul == end) {
            throw new DtbException(from, "property name at strings offset 0x%x is not NUL-terminated inside the strings block"
                    .formatted(nameOffset));
        }
        decoded += nul - from;
        if (decoded > budget) {
            throw new DtbException(fieldAt, "property names add up to more than 0x%x bytes: too many overlapping string offsets"
                    .formatted(budget));
        }
        String name = Names.decode(blob, from, nul - from);
        byOffset.put(nameOffset, name);
        return name;
    }
}
