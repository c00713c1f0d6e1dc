package org.domus.image;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked window on a module's bytes (a heap array or a mapped file), so that a container's payload
 * is probed without copying it and a mapped file is only read where a header is.
 * Header fields are untrusted: every offset or count read from one goes through {@link #has} first, and
 * {@code has} takes longs (u32 and u64 fields may be huge, or negative once read into a Java long).
 */
final class ByteView {
    private final MemorySegment bytes;
    /**
     * The same bytes for reading, when they fit a buffer (2 GiB). A segment's first reads link its VarHandles at
     * run time, which no AOT cache holds: 10-15 ms of every boot to read one kernel header. A buffer's reads are
     * plain methods, bounds-checked as well.
     */
    private final ByteBuffer reads;
    private final long length;

    ByteView(byte[] array) {
        this(MemorySegment.ofArray(array));
    }

    ByteView(MemorySegment bytes) {
        this.bytes = bytes;
        this.reads = bytes.byteSize() <= Integer.MAX_VALUE ? bytes.asByteBuffer() : null;
        this.length = bytes.byteSize();
    }

    long length() {
        return length;
    }

    /** True when {@code count} bytes from {@code offset} lie inside the view. */
    boolean has(long offset, long count) {
        return offset >= 0 && count >= 0 && offset <= length && count <= length - offset;
    }

    /** The sub-view {@code [offset, offset + count)}; the caller checked {@link #has}. */
    ByteView slice(long offset, long count) {
        check(offset, count);
        return new ByteView(bytes.asSlice(offset, count));
    }

    /** Everything from {@code offset} to the end. */
    ByteView from(long offset) {
        return slice(offset, length - offset);
    }

    int u8(long offset) {
        check(offset, 1);
        return (reads != null ? reads.get((int) offset) : bytes.get(ValueLayout.JAVA_BYTE, offset)) & 0xff;
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
        return new String(bytes.asSlice(offset, count).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
    }

    /** Up to {@code max} leading bytes as spaced hex ("7f 45 4c 46 …"), for messages about unknown data. */
    String hexPrefix(int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(max, length); i++) {
            s.append(i == 0 ? "" : " ").append("%02x".formatted(u8(i)));
        }
        return length > max ? s + " …" : s.toString();
    }

    /** The bytes {@code [offset, offset + count)} as a buffer, for checksums; views are at most 2 GiB (ModuleFiles). */
    ByteBuffer buffer(long offset, long count) {
        check(offset, count);
        return bytes.asSlice(offset, count).asByteBuffer();
    }

    /** The whole view as a stream, for decompressors. */
    InputStream stream() {
        return new InputStream() {
            private long at;

            @Override
            public int read() {
                return at < length ? u8(at++) : -1;
            }

            @Override
            public int read(byte[] into, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (at >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - at);
                if (reads != null) {
                    reads.get((int) at, into, off, n);
                } else {
                    MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, at, into, off, n);
                }
                at += n;
                return n;
            }
        };
    }

    private void check(long offset, long count) {
        if (!has(offset, count)) {
            throw new IndexOutOfBoundsException("bytes [%d, +%d) outside a view of %d".formatted(offset, count, length));
        }
    }
}
