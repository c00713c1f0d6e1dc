package org.domus.fdt.internal.print;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;
import org.domus.fdt.ReserveEntry;

/**
 * Prints a tree as device-tree source, byte for byte as {@code dtc -I dtb -O dts} (1.6.1) does.
 *
 * <p>A tree read from a blob has no type information, so each value's form is guessed from its bytes,
 * as dtc guesses it ({@link ValueGuess}). The output has no labels and no {@code /bits/} forms; the boot
 * CPU id is not printed (dtc does not print it either).
 *
 * <p>One step of dtc's checks changes what it prints: a node's {@code name} property that merely repeats
 * the node's base name (its bytes plus a NUL) is dropped. It is dropped here too, so that
 * {@code Fdt.fromDtb(b).toDts()} matches {@code dtc -I dtb -O dts} for such blobs.
 */
public final class DtsPrinter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;

    private DtsPrinter(int capacityHint) {
        out = new StringBuilder(capacityHint);
    }

    /** The whole source text: header, memory reservations, then the tree from the root. */
    public static String print(Fdt fdt) {
        DtsPrinter p = new DtsPrinter(4096);
        p.out.append("/dts-v1/;\n\n");
        for (ReserveEntry r : fdt.reservations()) {
            p.out.append("/memreserve/\t");
            p.hex64(r.address());
            p.out.append(' ');
            p.hex64(r.size());
            p.out.append(";\n");
        }
        p.tree(fdt.root());
        return p.out.toString();
    }

    /** A node being printed: how deep it sits and which of its children comes next. */
    private static final class Frame {
        final Node node;
        final int depth;
        int nextChild;

        Frame(Node node, int depth) {
            this.node = node;
            this.depth = depth;
        }
    }

    /**
     * Walks the tree depth-first without recursion, so that a deeply nested tree cannot overflow the
     * stack: a node's header and properties are printed when it is entered, its closing when its last
     * child is done.
     */
    private void tree(Node root) {
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        open(root, 0);
        stack.push(new Frame(root, 0));
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            List<Node> children = f.node.children();
            if (f.nextChild < children.size()) {
                Node child = children.get(f.nextChild++);
                out.append('\n');
                open(child, f.depth + 1);
                stack.push(new Frame(child, f.depth + 1));
            } else {
                stack.pop();
                indent(f.depth);
                out.append("};\n");
            }
        }
    }

    /** The node's opening line and its properties, one line each. */
    private void open(Node node, int depth) {
        indent(depth);
        String name = node.name();
        out.append(name.isEmpty() ? "/" : name).append(" {\n");
        Property redundantName = redundantNameProperty(node);
        for (Property p : node.properties()) {
            if (p == redundantName) {
                continue;
            }
            indent(depth + 1);
            out.append(p.name());
            value(p.value());
            out.append('\n');
        }
    }

    /**
     * dtc's {@code name_properties} check deletes a node's first {@code name} property when its value is
     * exactly the node's base name and a terminating NUL; null when there is none to drop.
     */
    private static Property redundantNameProperty(Node node) {
        for (Property p : node.properties()) {
            if (p.name().equals("name")) {
                byte[] base = node.baseName().getBytes(StandardCharsets.UTF_8);
                if (p.length() != base.length + 1) {
                    return null;
                }
                byte[] v = p.value();
                return v[base.length] == 0 && Arrays.equals(v, 0, base.length, base, 0, base.length) ? p : null;
            }
        }
        return null;
    }

    /** Everything after the property name: {@code ;} for an empty value, else {@code  = VALUE;}. */
    private void value(byte[] v) {
        if (v.length == 0) {
            out.append(';');
            return;
        }
        out.append(" = ");
        guessed(v);
        out.append(';');
    }

    private void guessed(byte[] v) {
        switch (ValueGuess.of(v)) {
            case STRING -> string(v);
            case CELLS -> cells(v);
            case BYTES -> bytes(v);
        }
    }

    /**
     * One quoted string holding every byte but the final NUL; NULs inside the value are printed as
     * {@code \0}, so a string list reads {@code "a\0b"}, never {@code "a", "b"}.
     */
    private void string(byte[] v) {
        out.append('"');
        int end = v.length - 1;
        for (int i = 0; i < end; i++) {
            int c = v[i] & 0xff;
            switch (c) {
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case 0x0b -> out.append("\\v");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case 0 -> out.append("\\0");
                default -> {
                    if (ValueGuess.isPrintable(c)) {
                        out.append((char) c);
                    } else {
                        // Not reached for guessed strings (they hold no such byte); kept as dtc writes it.
                        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    }
                }
            }
        }
        out.append('"');
    }

    /** {@code <0x01 0xffffffff>}: big-endian 32-bit cells in lowercase hex, at least two digits each. */
    private void cells(byte[] v) {
        out.append('<');
        for (int i = 0; i < v.length; i += 4) {
            if (i > 0) {
                out.append(' ');
            }
            int cell = (v[i] & 0xff) << 24 | (v[i + 1] & 0xff) << 16 | (v[i + 2] & 0xff) << 8 | (v[i + 3] & 0xff);
            out.append("0x");
            int digits = Math.max(2, (32 - Integer.numberOfLeadingZeros(cell) + 3) / 4);
            for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
                out.append(HEX[(cell >>> shift) & 0xf]);
            }
        }
        out.append('>');
    }

    /** {@code [01 ab]}: each byte as two lowercase hex digits. */
    private void bytes(byte[] v) {
        out.append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(HEX[(v[i] >> 4) & 0xf]).append(HEX[v[i] & 0xf]);
        }
        out.append(']');
    }

    /** {@code 0x} and exactly sixteen lowercase hex digits, as in {@code /memreserve/} lines. */
    private void hex64(long x) {
        out.append("0x");
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (x >>> shift) & 0xf]);
        }
    }

    private void indent(int depth) {
        for (int i = 0; i < depth; i++) {
            out.append('\t');
        }
    }

    /** One node and its subtree, at the top level of indentation ({@code name { … };}). */
    public static String printNode(Node node) {
        DtsPrinter p = new DtsPrinter(1024);
        p.tree(node);
        return p.out.toString();
    }

    /** A property's value alone, as it would follow {@code name = }; empty for an empty value. */
    public static String printValue(Property property) {
        DtsPrinter p = new DtsPrinter(64);
        byte[] v = property.value();
        if (v.length > 0) {
            p.guessed(v);
        }
        return p.out.toString();
    }
}
