package org.domus.fdt.internal.blob;

import java.util.Arrays;

import org.domus.fdt.DtbException;

/**
 * A cursor over one block of a blob, {@code [start, end)}. It owns the bounds checks: nothing is read,
 * and nothing allocated, before the bytes are known to lie inside the block. Positions are absolute blob
 * offsets, so they can go straight into a {@link DtbException}.
 */
final class BlobReader {
    private final byte[] blob;
    private final int start;
    private final int end;
    private final String block;
    private int pos;

    BlobReader(byte[] blob, int start, int end, String block) {
        this.blob = blob;
        this.start = start;
        this.end = end;
        this.block = block;
        this.pos = start;
    }

    int pos() {
        return pos;
    }

    int end() {
        return end;
    }

    int remaining() {
        return end - pos;
    }

    /** Fails unless {@code n} more bytes lie inside the block; {@code what} names them in the message. */
    void require(long n, String what) throws DtbException {
        if (n > end - pos) {
            throw new DtbException(pos, "%s runs past the end of the %s at 0x%x".formatted(what, block, end));
        }
    }

    int u32(String what) throws DtbException {
        require(4, what);
        int v = (int) Format.u32(blob, pos);
        pos += 4;
        return v;
    }

    long u64(String what) throws DtbException {
        require(8, what);
        long v = (Format.u32(blob, pos) << 32) | Format.u32(blob, pos + 4);
        pos += 8;
        return v;
    }

    /** {@code length} is unsigned 32-bit, checked against the block before anything is allocated. */
    byte[] bytes(long length, String what) throws DtbException {
        require(length, what);
        byte[] b = Arrays.copyOfRange(blob, pos, pos + (int) length);
        pos += (int) length;
        return b;
    }

    /** A NUL-terminated string inside the block; the cursor moves past the NUL. Bytes map 1:1 to chars. */
    String cString(String what) throws DtbException {
        int nul = pos;
        while (nul < end && blob[nul] != 0) {
            nul++;
        }
        if (nul == end) {
            throw new DtbException(pos, "%s is not NUL-terminated before the end of the %s at 0x%x".formatted(what, block, end));
        }
        String s = Names.decode(blob, pos, nul - pos);
        pos = nul + 1;
        return s;
    }

    /** Skips padding up to a multiple of {@code alignment} from the block start; the padding must fit in the block. */
    void align(int alignment, String what) throws DtbException {
        int padding = (alignment - (pos - start) % alignment) % alignment;
        require(padding, "padding after " + what);
        pos += padding;
    }
}
