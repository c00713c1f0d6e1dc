package org.domus.uboot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.domus.fdt.Property;

/**
 * The value syntax of {@code fdt set}, after hush has split the words and removed the quotes: {@code <…>} is a list
 * of 32-bit cells in C notation (0x hex, leading 0 octal, else decimal: ImageBuilder writes sizes both ways) that may
 * span words ({@code <0x0 0xE00000 0x0 0x30000B >}); {@code […]} is bytes in hex; anything else is one string per
 * word, each NUL-terminated ({@code "multiboot,kernel" "multiboot,module"}).
 */
final class PropertyValue {
    private PropertyValue() {
    }

    static byte[] parse(List<String> words) throws CommandError {
        String first = words.getFirst();
        if (first.startsWith("<")) {
            return cells(String.join(" ", words).substring(1));
        }
        if (first.startsWith("[")) {
            return bytes(String.join(" ", words).substring(1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String w : words) {
            out.writeBytes(w.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    private static byte[] cells(String text) throws CommandError {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= text.length()) {
                throw new CommandError("no '>' at the end of the cells <%s".formatted(text));
            }
            if (text.charAt(i) == '>') {
                if (i + 1 < text.length()) {
                    throw new CommandError("'%s' after the cells' '>'".formatted(text.substring(i + 1)));
                }
                return out.toByteArray();
            }
            Numbers.Parsed n = Numbers.c(text, i);
            int end = n.end();
            if (end == i || end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != '>') {
                int stop = text.indexOf(' ', i);
                String word = text.substring(i, stop < 0 ? text.length() : stop).replace(">", "");
                throw new CommandError("'%s' is not a cell value (numbers in <…> are C's: 0x1f, 31, 037; U-Boot: \"Sorry, I could not convert\")".formatted(word));
            }
            if (Long.compareUnsigned(n.value(), 0xffffffffL) > 0) {
                throw new CommandError("%s does not fit in a 32-bit cell (U-Boot would keep only its low 32 bits; write 64-bit values as two cells)"
                        .formatted(text.substring(i, end)));
            }
            int v = (int) n.value();
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            i = end;
        }
    }

    private static byte[] bytes(String text) throws CommandError {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int close = text.indexOf(']');
        if (close < 0) {
            throw new CommandError("no ']' at the end of the bytes [%s".formatted(text));
        }
        if (!text.substring(close + 1).isBlank()) {
            throw new CommandError("'%s' after the bytes' ']'".formatted(text.substring(close + 1).strip()));
        }
        for (String b : text.substring(0, close).trim().split("\\s+")) {
            if (b.isEmpty()) {
                continue;
            }
            if (b.length() % 2 != 0 || !b.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new CommandError("'%s' is not hex bytes in [...]".formatted(b));
            }
            for (int k = 0; k < b.length(); k += 2) {
                out.write(Integer.parseInt(b.substring(k, k + 2), 16));
            }
        }
        return out.toByteArray();
    }

    /** A property as {@code fdt get value} puts it in a variable: a string, or cells as 0x-prefixed hex. */
    static String forEnv(Property p, int index) throws CommandError {
        byte[] v = p.value();
        if (printableStrings(v)) {
            List<String> strings = p.strings();
            if (index < 0) {
                return String.join(" ", strings);
            }
            if (index >= strings.size()) {
                throw new CommandError("%s has %d strings: no string %d".formatted(p.name(), strings.size(), index));
            }
            return strings.get(index);
        }
        if (v.length % 4 == 0) {
            List<String> cells = new ArrayList<>();
            for (int c : p.cells()) {
                cells.add("0x" + Integer.toHexString(c));
            }
            return String.join(" ", cells);
        }
        StringBuilder s = new StringBuilder();
        for (byte b : v) {
            s.append("%02x".formatted(b & 0xff));
        }
        return s.toString();
    }

    private static boolean printableStrings(byte[] v) {
        if (v.length == 0 || v[v.length - 1] != 0 || v[0] == 0) {
            return false;
        }
        for (int i = 0; i < v.length - 1; i++) {
            int c = v[i] & 0xff;
            if (c == 0 ? v[i + 1] == 0 : c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
