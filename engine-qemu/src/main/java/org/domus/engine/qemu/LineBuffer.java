package org.domus.engine.qemu;

import java.util.Arrays;

/** Bytes of one line being assembled, up to a limit. */
final class LineBuffer {
    private final int limit;
    private byte[] bytes = new byte[256];
    private int length;

    LineBuffer(int limit) {
        this.limit = limit;
    }

    /** False when the line would pass the limit (the byte is not kept). */
    boolean add(byte b) {
        if (length == limit) {
            return false;
        }
        if (length == bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(limit, bytes.length * 2));
        }
        bytes[length++] = b;
        return true;
    }

    int length() {
        return length;
    }

    /** The line so far, and a fresh start. */
    byte[] take() {
        byte[] line = Arrays.copyOf(bytes, length);
        length = 0;
        return line;
    }
}
