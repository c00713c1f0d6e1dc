package org.domus.dom0less;

import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked window on a byte array, so that a container's payload is probed without copying it.
 * Header fields are untrusted: every offset or count read from one goes through {@link #has} first, and
 * {@code has} takes longs (u32 and u64 fields may be huge, or negative once read into a Java long).
 */
final class ByteView {
    private final byte[] array;
    private final int start;
    private final int length;

    ByteView(byte[] array) {
        this(array, 0, array.length);
    }

    private ByteView(byte[] array, int start, int length) {
        this.array = array;
        this.start = start;
        this.length = length;
    }

    int length() {
        return length;
    }

    /** True when {@code count} bytes from {@code offset} lie inside the view. */
    boolean has(long offset, long count) {
        return offset >= 0 && count >= 0 && offset <= length && count <= length - offset;
    }

    /** The sub-view {@code [offset, offset + count)}; the caller checked {@link #has}. */
    ByteView slice(long offset, long count) {
        check(offset, count);
        return new ByteView(array, start + (int) offset, (int) count);
    }

    /** Everything from {@code offset} to the end. */
    ByteView from(long offset) {
        return slice(offset, length - offset);
    }

    int u8(long offset) {
        check(offset, 1);
        return array[start + (int) offset] & 0xff;
    }

    int u16le(long offset) {
        return u8(offset) | u8(offset + 1) << 8;
    }

    int u16be(long offset) {
        return u8(offset) << 8 | u8(offset + 1);
    }

    long u32le(long offset) {
        return (long) u16le(offset) | (long) u16le(offset + 2) << 16;
    }

    long u32be(long offset) {
        return (long) u16be(offset) << 16 | u16be(offset + 2);
    }

    /** A u64 as a Java long: values of 2^63 and more come out negative, which {@link #has} rejects. */
    long u64le(long offset) {
        return u32le(offset) | u32le(offset + 4) << 32;
    }

    long u64be(long offset) {
        return u32be(offset) << 32 | u32be(offset + 4);
    }

    /** Whether the bytes at {@code offset} are {@code magic}; false when they would run past the end. */
    boolean startsWith(long offset, int... magic) {
        if (!has(offset, magic.length)) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (u8(offset + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes at {@code offset} are the ASCII {@code text}. */
    boolean startsWith(long offset, String text) {
        return startsWith(offset, text.chars().toArray());
    }

    /**
     * A NUL-terminated string of at most {@code max} bytes, cut at the end of the view; anything but
     * printable ASCII shows as '?', so a corrupt header cannot put control characters in a message.
     */
    String cString(long offset, int max) {
        StringBuilder s = new StringBuilder();
        for (long i = offset; i < offset + max && has(i, 1); i++) {
            int c = u8(i);
            if (c == 0) {
                break;
            }
            s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return s.toString();
    }

    /** The bytes {@code [offset, offset + count)} as ISO-8859-1 text (for comparing short names). */
    String latin1(long offset, int count) {
        check(offset, count);
        return new String(array, start + (int) offset, count, StandardCharsets.ISO_8859_1);
    }

    /** Up to {@code max} leading bytes as spaced hex ("7f 45 4c 46 …"), for messages about unknown data. */
    String hexPrefix(int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(max, length); i++) {
            s.append(i == 0 ? "" : " ").append("%02x".formatted(u8(i)));
        }
        return length > max ? s + " …" : s.toString();
    }

    /** The backing array and where this view starts in it, for APIs that take (array, offset, length). */
    byte[] array() {
        return array;
    }

    int start() {
        return start;
    }

    private void check(long offset, long count) {
        if (!has(offset, count)) {
            throw new IndexOutOfBoundsException("bytes [%d, +%d) outside a view of %d".formatted(offset, count, length));
        }
    }
}
