package org.domus.fdt.internal.blob;

import java.nio.charset.StandardCharsets;

/**
 * Node and property names are byte strings in a blob. Mapping each byte to the char of the same value
 * (ISO-8859-1) makes every blob round-trip byte for byte; legal device-tree names are ASCII, where this
 * agrees with UTF-8.
 */
final class Names {
    private Names() {
    }

    static String decode(byte[] b, int from, int length) {
        return new String(b, from, length, StandardCharsets.ISO_8859_1);
    }

    /** The name's bytes; a name a blob cannot hold (NUL, or a char above U+00FF) is a programming error. */
    static byte[] encode(String name, String kind) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException("%s name \"%s\" cannot be stored in a DTB: char U+%04X at index %d"
                        .formatted(kind, name, (int) c, i));
            }
        }
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A name as quoted in a message: a crafted blob can hold names of megabytes. */
    static String brief(String name) {
        return name.length() <= 80 ? name : name.substring(0, 80) + "...";
    }
}
