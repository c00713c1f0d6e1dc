package org.domus.uboot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a TFTP server agreed to for one transfer: the block size (RFC 2348) and the file's size (transfer size,
 * RFC 2349), as its option acknowledgement (OACK, RFC 2347) says. Commons Net 3.12.0 has no OACK packet class (its
 * packet factory rejects opcode 6), so this reads the packet itself.
 *
 * @param blockSize    bytes in every DATA block but the last
 * @param transferSize the file's size in bytes, or -1 when the server did not say
 */
record TftpOptions(int blockSize, long transferSize) {
    /** The OACK opcode (RFC 2347). */
    static final int OACK = 6;
    /** RFC 1350's block size: in force unless the server acknowledges {@code blksize}. */
    static final int RFC1350_BLOCK_SIZE = 512;
    /** What a server that ignores the options gives: RFC 1350 blocks, size unknown. */
    static final TftpOptions NONE = new TftpOptions(RFC1350_BLOCK_SIZE, -1);

    /**
     * Reads the OACK in {@code packet[0, length)}: opcode, then NUL-terminated option name and value pairs.
     *
     * @param requestedBlockSize the {@code blksize} the request asked for; RFC 2348 lets the server lower it only
     * @throws IllegalArgumentException saying what is wrong with the packet, when the client must refuse it
     */
    static TftpOptions fromOack(byte[] packet, int length, int requestedBlockSize) {
        List<String> fields = new ArrayList<>();
        int start = 2;
        for (int i = start; i < length; i++) {
            if (packet[i] == 0) {
                fields.add(new String(packet, start, i - start, StandardCharsets.US_ASCII));
                start = i + 1;
            }
        }
        if (start != length || fields.size() % 2 != 0) {
            throw new IllegalArgumentException("malformed option acknowledgement from the server");
        }
        int blockSize = RFC1350_BLOCK_SIZE;
        long transferSize = -1;
        for (int i = 0; i < fields.size(); i += 2) {
            String name = fields.get(i).toLowerCase(Locale.ROOT);
            String value = fields.get(i + 1);
            switch (name) {
                case "blksize" -> {
                    long size = number(name, value);
                    if (size < TftpServer.MIN_BLOCK_SIZE || size > requestedBlockSize) {
                        throw new IllegalArgumentException("the server chose blksize " + size
                                + ", outside " + TftpServer.MIN_BLOCK_SIZE + ".." + requestedBlockSize + " (RFC 2348)");
                    }
                    blockSize = (int) size;
                }
                case "tsize" -> transferSize = number(name, value);
                // RFC 2347: a server must not acknowledge an option the client did not ask for
                default -> throw new IllegalArgumentException(
                        "the server acknowledged option '" + printable(name) + "', which was not requested");
            }
        }
        return new TftpOptions(blockSize, transferSize);
    }

    /** Server-supplied text made safe for a one-line message: no control characters, bounded length. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return out.toString();
    }

    private static long number(String name, String value) {
        // Options carry decimal ASCII (RFC 2347); 18 digits keep the value inside a long.
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "the server's " + name + " value '" + printable(value) + "' is not a number");
        }
        return Long.parseLong(value);
    }
}
