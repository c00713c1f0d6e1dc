package org.domus.fdt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.ArrayList;

/** A named property with its raw big-endian value bytes, exactly as they sit in a DTB. */
public record Property(String name, byte[] value) {
    public Property {
        value = value.clone();
    }

    public static Property empty(String name) {
        return new Property(name, new byte[0]);
    }

    public static Property ofString(String name, String... strings) {
        var out = new java.io.ByteArrayOutputStream();
        for (String s : strings) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return new Property(name, out.toByteArray());
    }

    public static Property ofCells(String name, int... cells) {
        byte[] b = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) {
            putCell(b, i * 4, cells[i]);
        }
        return new Property(name, b);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** The value as 32-bit big-endian cells; empty unless the length is a multiple of 4. */
    public int[] cells() {
        if (value.length % 4 != 0) {
            return new int[0];
        }
        int[] c = new int[value.length / 4];
        for (int i = 0; i < c.length; i++) {
            c[i] = cell(value, i * 4);
        }
        return c;
    }

    /** The NUL-separated strings of the value; a trailing part without NUL is kept as well. */
    public List<String> strings() {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                out.add(new String(value, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < value.length) {
            out.add(new String(value, start, value.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The first string of the value. */
    public String string() {
        List<String> s = strings();
        return s.isEmpty() ? "" : s.getFirst();
    }

    static int cell(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static void putCell(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** The value as dtc prints it from a DTB ({@code "a", "b"}, {@code <0x01>}, {@code [01 02]}); empty for an empty value. */
    public String toDtsValue() {
        return org.domus.fdt.internal.print.DtsPrinter.printValue(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Property p && name.equals(p.name) && Arrays.equals(value, p.value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=[" + HexFormat.of().formatHex(value) + "]";
    }
}
