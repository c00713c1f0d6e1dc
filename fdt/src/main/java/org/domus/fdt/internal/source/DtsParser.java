package org.domus.fdt.internal.source;

import static org.domus.fdt.internal.source.DtsLexer.AND;
import static org.domus.fdt.internal.source.DtsLexer.BITS;
import static org.domus.fdt.internal.source.DtsLexer.BYTE;
import static org.domus.fdt.internal.source.DtsLexer.CHAR_LITERAL;
import static org.domus.fdt.internal.source.DtsLexer.DEL_NODE;
import static org.domus.fdt.internal.source.DtsLexer.DEL_PROP;
import static org.domus.fdt.internal.source.DtsLexer.EOF;
import static org.domus.fdt.internal.source.DtsLexer.EQ;
import static org.domus.fdt.internal.source.DtsLexer.GE;
import static org.domus.fdt.internal.source.DtsLexer.INCBIN;
import static org.domus.fdt.internal.source.DtsLexer.LABEL;
import static org.domus.fdt.internal.source.DtsLexer.LABEL_REF;
import static org.domus.fdt.internal.source.DtsLexer.LE;
import static org.domus.fdt.internal.source.DtsLexer.LITERAL;
import static org.domus.fdt.internal.source.DtsLexer.LSHIFT;
import static org.domus.fdt.internal.source.DtsLexer.MEMRESERVE;
import static org.domus.fdt.internal.source.DtsLexer.NE;
import static org.domus.fdt.internal.source.DtsLexer.OMIT_NO_REF;
import static org.domus.fdt.internal.source.DtsLexer.OR;
import static org.domus.fdt.internal.source.DtsLexer.PATH_REF;
import static org.domus.fdt.internal.source.DtsLexer.PLUGIN;
import static org.domus.fdt.internal.source.DtsLexer.PROPNODENAME;
import static org.domus.fdt.internal.source.DtsLexer.RSHIFT;
import static org.domus.fdt.internal.source.DtsLexer.STRING;
import static org.domus.fdt.internal.source.DtsLexer.V1;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.domus.fdt.InputFile;

/**
 * A recursive-descent parser for dtc 1.6.1's grammar, building the live tree as dtc's parser actions do.
 *
 * <p>dtc's parser is a bison LALR(1) automaton whose stack is limited to 10000 entries: deeper input
 * (nodes nested ~3300 deep, ~10000 siblings, ~10000 nested parentheses) fails with "memory exhausted".
 * To reject exactly the same inputs, every method here knows how many entries that automaton would hold:
 * a {@code base} argument is the stack size below the construct being parsed, and each token shifted
 * (or empty rule reduced) is checked against the limit at the size it would have there. Long lists and
 * deep nesting are parsed with loops and explicit stacks, never with deep Java recursion.
 */
final class DtsParser {
    /** Bison's default YYMAXDEPTH, which dtc does not change. */
    static final int MAX_STACK = 10000;

    private final DtsLexer lex;
    private final Diagnostics diag;
    private final TreeEditor editor = new TreeEditor();

    private int lookahead;
    private boolean haveLookahead;

    DtsParser(DtsLexer lex, Diagnostics diag) {
        this.lex = lex;
        this.diag = diag;
    }

    DtInfo parse() {
        int flags = headers(1);
        DtInfo info = new DtInfo();
        info.v1 = true;
        info.plugin = flags == 2;
        memreserves(2, info.reservations);
        info.root = devicetree(3, info.plugin);
        return info;
    }

    // ---- tokens ----

    private int peek() {
        if (!haveLookahead) {
            lookahead = lex.next();
            haveLookahead = true;
        }
        return lookahead;
    }

    /** Accepts the lookahead token, which the automaton would hold at stack size {@code depth}. */
    private void shift(int depth) {
        peek();
        if (depth >= MAX_STACK) {
            throw diag.fatal(lex.pos(), "memory exhausted");
        }
        haveLookahead = false;
    }

    private void expect(int token, int depth) {
        if (peek() != token) {
            throw syntaxError();
        }
        shift(depth);
    }

    /** An empty rule reduced at stack size {@code depth}. */
    private void pushEmpty(int depth) {
        if (depth >= MAX_STACK) {
            throw diag.fatal(lex.pos(), "memory exhausted");
        }
    }

    private ParseAbort syntaxError() {
        peek();
        return diag.fatal(lex.pos(), "syntax error");
    }

    /** Start of the current token, packed. */
    private long start() {
        return pack(lex.firstLine(), lex.firstColumn());
    }

    /** A span from a packed start to the end of the token just read. */
    private SourcePos spanTo(long start) {
        return new SourcePos(lex.file(), (int) (start >> 32), (int) start, lex.lastLine(), lex.lastColumn());
    }

    private static long pack(int line, int column) {
        return ((long) line << 32) | (column & 0xffffffffL);
    }

    // ---- file structure ----

    /** {@code /dts-v1/;} headers, each optionally followed by {@code /plugin/;}: 1 = v1, 2 = v1 + plugin. */
    private int headers(int base) {
        List<Integer> flags = new ArrayList<>(1);
        List<Long> starts = new ArrayList<>(1);
        SourcePos last;
        do {
            int b = base + flags.size();
            starts.add(start());
            expect(V1, b + 1);
            expect(';', b + 2);
            last = lex.pos();
            int f = 1;
            if (peek() == PLUGIN) {
                shift(b + 3);
                expect(';', b + 4);
                last = lex.pos();
                f = 2;
            }
            flags.add(f);
        } while (peek() == V1);
        // dtc's rule is right-recursive: each header is compared with the next, from the last pair back
        for (int i = flags.size() - 2; i >= 0; i--) {
            if (!flags.get(i).equals(flags.get(i + 1))) {
                long s = starts.get(i + 1);
                diag.error(new SourcePos(last.file(), (int) (s >> 32), (int) s, last.lastLine(), last.lastColumn()),
                        "Header flags don't match earlier ones");
            }
        }
        return flags.getFirst();
    }

    private void memreserves(int base, List<ReserveInfo> out) {
        int count = 0;
        while (peek() == MEMRESERVE || peek() == LABEL) {
            int d = base + count;
            List<String> labels = new ArrayList<>(0);
            while (peek() == LABEL) {
                labels.add(lex.text());
                shift(++d);
            }
            expect(MEMRESERVE, ++d);
            long address = prim(d);
            long size = prim(d + 1);
            expect(';', d + 3);
            ReserveInfo r = new ReserveInfo(address, size);
            for (int i = labels.size() - 1; i >= 0; i--) {
                TreeEditor.addLabel(r.labels, labels.get(i));
            }
            out.add(r);
            count++;
        }
        pushEmpty(base + count + 1);
    }

    private LiveNode devicetree(int base, boolean plugin) {
        LiveNode root;
        int t = peek();
        if (t == '/') {
            shift(base + 1);
            root = nodedef(base + 1);
            root.name = "";
        } else if (t == LABEL_REF || t == PATH_REF) {
            String ref = lex.text();
            shift(base + 1);
            LiveNode overlay = nodedef(base + 1);
            if (!plugin) {
                diag.error(overlay.pos, "Label or path " + ref + " not found");
            }
            root = new LiveNode("", null);
            editor.addOrphan(root, overlay, ref);
        } else {
            throw syntaxError();
        }
        int d = base + 1;
        for (;;) {
            t = peek();
            switch (t) {
                case EOF -> {
                    return root;
                }
                case '/' -> {
                    shift(d + 1);
                    editor.merge(root, nodedef(d + 1));
                }
                case LABEL -> {
                    String label = lex.text();
                    shift(d + 1);
                    int r = peek();
                    if (r != LABEL_REF && r != PATH_REF) {
                        throw syntaxError();
                    }
                    String ref = lex.text();
                    SourcePos refPos = lex.pos();
                    shift(d + 2);
                    LiveNode add = nodedef(d + 2);
                    LiveNode target = editor.byRef(root, ref);
                    if (target != null) {
                        editor.addLabel(target, label);
                        editor.merge(target, add);
                    } else {
                        diag.error(refPos, "Label or path " + ref + " not found");
                    }
                }
                case PATH_REF, LABEL_REF -> {
                    String ref = lex.text();
                    SourcePos refPos = lex.pos();
                    shift(d + 1);
                    LiveNode add = nodedef(d + 1);
                    if (t == PATH_REF && plugin) {
                        editor.addOrphan(root, add, ref);
                    } else {
                        LiveNode target = editor.byRef(root, ref);
                        if (target != null) {
                            editor.merge(target, add);
                        } else if (plugin) {
                            editor.addOrphan(root, add, ref);
                        } else {
                            diag.error(refPos, "Label or path " + ref + " not found");
                        }
                    }
                }
                case DEL_NODE, OMIT_NO_REF -> {
                    shift(d + 1);
                    int r = peek();
                    if (r != LABEL_REF && r != PATH_REF) {
                        throw syntaxError();
                    }
                    String ref = lex.text();
                    SourcePos refPos = lex.pos();
                    shift(d + 2);
                    expect(';', d + 3);
                    LiveNode target = editor.byRef(root, ref);
                    if (target == null) {
                        diag.error(refPos, "Label or path " + ref + " not found");
                    } else if (t == DEL_NODE) {
                        TreeEditor.deleteNode(target);
                    } else {
                        target.omitIfUnused = true;
                    }
                }
                default -> throw syntaxError();
            }
        }
    }

    // ---- nodes ----

    /** A node being read, and how its parent will name the subnode being read below it. */
    private static final class OpenNode {
        final LiveNode node = new LiveNode(null, null);
        final int base;
        final long start;
        List<String> childLabels;
        boolean childOmit;
        String childName;

        OpenNode(int base, long start) {
            this.base = base;
            this.start = start;
        }

        void addChild(LiveNode child) {
            child.parent = node;
            node.children.add(child);
        }
    }

    /**
     * {@code { properties subnodes };} at stack size {@code base}: the node, unnamed. Nested nodes are read
     * with an explicit stack.
     */
    private LiveNode nodedef(int base) {
        if (peek() != '{') {
            throw syntaxError();
        }
        ArrayDeque<OpenNode> open = new ArrayDeque<>();
        OpenNode n = openNode(base);
        for (;;) {
            int d = n.base + 2 + n.node.children.size();
            if (peek() == '}') {
                pushEmpty(d + 1);
                shift(n.base + 4);
                expect(';', n.base + 5);
                LiveNode node = n.node;
                node.pos = spanTo(n.start);
                if (open.isEmpty()) {
                    return node;
                }
                n = open.pop();
                node.name = n.childName;
                node.omitIfUnused = n.childOmit;
                addLabels(node, n.childLabels);
                n.addChild(node);
                continue;
            }
            long itemStart = start();
            List<String> labels = null;
            boolean omit = false;
            for (;;) {
                int t = peek();
                if (t == LABEL) {
                    if (labels == null) {
                        labels = new ArrayList<>(1);
                    }
                    labels.add(lex.text());
                } else if (t == OMIT_NO_REF) {
                    omit = true;
                } else {
                    break;
                }
                shift(++d);
            }
            int t = peek();
            if (t == PROPNODENAME) {
                String name = lex.text();
                long nameStart = start();
                shift(++d);
                int after = peek();
                if (after == '{') {
                    n.childName = name;
                    n.childLabels = labels;
                    n.childOmit = omit;
                    open.push(n);
                    n = openNode(d);
                    continue;
                }
                if (omit) {
                    throw syntaxError();
                }
                Data value;
                if (after == '=') {
                    shift(d + 1);
                    value = propdata(d + 1);
                    expect(';', d + 3);
                } else if (after == ';') {
                    value = new Data();
                    shift(d + 1);
                } else {
                    throw syntaxError();
                }
                LiveProperty p = new LiveProperty(name, value, spanTo(nameStart));
                addProperty(n, p, labels, itemStart);
            } else if (t == DEL_PROP && !omit) {
                shift(++d);
                if (peek() != PROPNODENAME) {
                    throw syntaxError();
                }
                String name = lex.text();
                shift(++d);
                expect(';', ++d);
                LiveProperty p = new LiveProperty(name, new Data(), null);
                p.deleted = true;
                addProperty(n, p, labels, itemStart);
            } else if (t == DEL_NODE) {
                long delStart = start();
                shift(++d);
                if (peek() != PROPNODENAME) {
                    throw syntaxError();
                }
                String name = lex.text();
                shift(++d);
                expect(';', ++d);
                LiveNode gone = new LiveNode(name, spanTo(delStart));
                gone.deleted = true;
                gone.omitIfUnused = omit;
                addLabels(gone, labels);
                n.addChild(gone);
            } else {
                throw syntaxError();
            }
        }
    }

    private OpenNode openNode(int base) {
        long start = start();
        shift(base + 1);
        pushEmpty(base + 2);
        return new OpenNode(base, start);
    }

    private void addProperty(OpenNode n, LiveProperty p, List<String> labels, long itemStart) {
        if (!n.node.children.isEmpty()) {
            throw diag.fatal(spanTo(itemStart), "Properties must precede subnodes");
        }
        if (labels != null) {
            for (int i = labels.size() - 1; i >= 0; i--) {
                TreeEditor.addLabel(p.labels, labels.get(i));
            }
        }
        n.node.properties.add(p);
    }

    /** Labels written before a node, applied innermost first as dtc's right-recursive rule does. */
    private void addLabels(LiveNode node, List<String> labels) {
        if (labels != null) {
            for (int i = labels.size() - 1; i >= 0; i--) {
                editor.addLabel(node, labels.get(i));
            }
        }
    }

    // ---- property values ----

    /** A property value (items separated by commas, labels anywhere between) at stack size {@code base}. */
    private Data propdata(int base) {
        Data data = new Data();
        int d = base + 1;
        pushEmpty(d);
        for (;;) {
            while (peek() == LABEL) {
                data.mark(Marker.Kind.LABEL, lex.text());
                shift(d + 1);
            }
            switch (peek()) {
                case STRING -> {
                    data.append(lex.bytes());
                    shift(d + 1);
                }
                case BITS, '<' -> array(d, data);
                case '[' -> {
                    shift(d + 1);
                    pushEmpty(d + 2);
                    for (;;) {
                        int t = peek();
                        if (t == BYTE) {
                            data.appendByte((int) lex.value());
                        } else if (t == LABEL) {
                            data.mark(Marker.Kind.LABEL, lex.text());
                        } else if (t == ']') {
                            shift(d + 3);
                            break;
                        } else {
                            throw syntaxError();
                        }
                        shift(d + 3);
                    }
                }
                case LABEL_REF, PATH_REF -> {
                    data.mark(Marker.Kind.REF_PATH, lex.text());
                    shift(d + 1);
                }
                case INCBIN -> incbin(d, data);
                default -> throw syntaxError();
            }
            while (peek() == LABEL) {
                data.mark(Marker.Kind.LABEL, lex.text());
                shift(d + 1);
            }
            if (peek() != ',') {
                return data;
            }
            shift(d + 1);
        }
    }

    /** {@code <...>} or {@code /bits/ N <...>}; the value so far is at stack size {@code d}. */
    private void array(int d, Data data) {
        int bits = 32;
        if (peek() == BITS) {
            shift(d + 1);
            if (peek() != LITERAL) {
                throw syntaxError();
            }
            long n = lex.value();
            SourcePos nPos = lex.pos();
            shift(d + 2);
            expect('<', d + 3);
            if (n == 8 || n == 16 || n == 32 || n == 64) {
                bits = (int) n;
            } else {
                diag.error(nPos, "Array elements must be 8, 16, 32 or 64-bits");
            }
        } else {
            shift(d + 1);
        }
        int a = d + 1;
        for (;;) {
            int t = peek();
            switch (t) {
                case LITERAL, CHAR_LITERAL, '(' -> {
                    long first = start();
                    long v = prim(a);
                    if (bits < 64) {
                        long mask = (1L << bits) - 1;
                        if (Long.compareUnsigned(v, mask) > 0 && (v | mask) != -1L) {
                            diag.error(spanTo(first), "Value out of range for " + bits + "-bit array element");
                        }
                    }
                    data.appendInteger(v, bits);
                }
                case LABEL_REF, PATH_REF -> {
                    if (bits == 32) {
                        data.mark(Marker.Kind.REF_PHANDLE, lex.text());
                    } else {
                        diag.error(lex.pos(), "References are only allowed in arrays with 32-bit elements.");
                    }
                    shift(a + 1);
                    data.appendInteger(-1L >>> (64 - bits), bits);
                }
                case LABEL -> {
                    data.mark(Marker.Kind.LABEL, lex.text());
                    shift(a + 1);
                }
                case '>' -> {
                    shift(a + 1);
                    return;
                }
                default -> throw syntaxError();
            }
        }
    }

    /** {@code /incbin/("file")} or {@code /incbin/("file", offset, length)}; the value so far is at {@code d}. */
    private void incbin(int d, Data data) {
        long first = start();
        shift(d + 1);
        expect('(', d + 2);
        if (peek() != STRING) {
            throw syntaxError();
        }
        byte[] nameBytes = lex.bytes();
        shift(d + 3);
        long offset = 0;
        long length = -1;
        if (peek() == ',') {
            shift(d + 4);
            offset = prim(d + 4);
            expect(',', d + 6);
            length = prim(d + 6);
            expect(')', d + 8);
        } else {
            expect(')', d + 4);
        }
        SourcePos pos = spanTo(first);
        String name = DtsLexer.cString(nameBytes, 0, nameBytes.length);
        DtsLexer.Opened f = lex.open(name, InputFile.DTB_LIMIT);
        byte[] content = f.bytes();
        if (offset < 0) {
            throw diag.fatal(pos, "Couldn't seek to offset " + Long.toUnsignedString(offset) + " in \"" + name
                    + "\": Invalid argument");
        }
        int from = (int) Math.min(offset, content.length);
        int remaining = content.length - from;
        int count = Long.compareUnsigned(length, remaining) > 0 ? remaining : (int) length;
        data.append(content, from, count);
    }

    // ---- integer expressions ----

    // frame kinds of the expression stack, with the number of automaton entries each holds
    private static final int PAREN = 0; // '('
    private static final int UNARY = 1; // '-', '~' or '!'
    private static final int BINARY = 2; // left operand, operator
    private static final int QUESTION = 3; // condition, '?'
    private static final int COLON = 4; // condition, '?', middle, ':'
    private static final int[] ENTRIES = {1, 1, 2, 2, 4};

    private int[] frameKind = new int[16];
    private int[] frameOp = new int[16];
    private long[] frameValue = new long[16];
    private long[] frameValue2 = new long[16];
    private long[] frameStart = new long[16];

    /**
     * An integer_prim (a literal, a character literal or a parenthesised expression) at stack size
     * {@code base}. Expressions are evaluated as dtc does: unsigned 64-bit, both sides of every operator
     * (so {@code 1 ? 2 : 1/0} still divides by zero), shifts by 64 or more give 0.
     */
    private long prim(int base) {
        int t = peek();
        if (t == LITERAL || t == CHAR_LITERAL) {
            long v = lex.value();
            shift(base + 1);
            return v;
        }
        if (t != '(') {
            throw syntaxError();
        }
        int sp = 0;
        int depth = base;
        long v;
        long vStart;
        for (;;) {
            // an operand is expected
            t = peek();
            if (t == '(' || t == '-' || t == '~' || t == '!') {
                pushFrame(sp++, t == '(' ? PAREN : UNARY, t, 0, 0, start());
                depth++;
                shift(depth);
                continue;
            }
            if (t != LITERAL && t != CHAR_LITERAL) {
                throw syntaxError();
            }
            v = lex.value();
            vStart = start();
            shift(depth + 1);
            operandEnd();
            // an operand has been read: reduce what it completes, then look at the operator after it
            for (;;) {
                while (sp > 0 && frameKind[sp - 1] == UNARY) {
                    sp--;
                    depth--;
                    v = switch (frameOp[sp]) {
                        case '-' -> -v;
                        case '~' -> ~v;
                        default -> v == 0 ? 1 : 0;
                    };
                    vStart = frameStart[sp];
                }
                t = peek();
                int level = binaryLevel(t);
                if (level > 0) {
                    while (sp > 0 && frameKind[sp - 1] == BINARY && frameValue2[sp - 1] >= level) {
                        sp--;
                        depth -= 2;
                        v = binary(frameOp[sp], frameValue[sp], v, frameStart[sp]);
                        vStart = frameStart[sp];
                    }
                    pushFrame(sp++, BINARY, t, v, level, vStart);
                    depth += 2;
                    shift(depth);
                    break;
                }
                // '?', ':' and ')' end every operator expression before them
                while (sp > 0 && frameKind[sp - 1] == BINARY) {
                    sp--;
                    depth -= 2;
                    v = binary(frameOp[sp], frameValue[sp], v, frameStart[sp]);
                    vStart = frameStart[sp];
                }
                if (t == '?') {
                    pushFrame(sp++, QUESTION, t, v, 0, vStart);
                    depth += 2;
                    shift(depth);
                    break;
                }
                while (sp > 0 && frameKind[sp - 1] == COLON) {
                    sp--;
                    depth -= 4;
                    v = frameValue[sp] != 0 ? frameValue2[sp] : v;
                    vStart = frameStart[sp];
                }
                if (t == ':' && sp > 0 && frameKind[sp - 1] == QUESTION) {
                    frameKind[sp - 1] = COLON;
                    frameValue2[sp - 1] = v;
                    depth += 2;
                    shift(depth);
                    break;
                }
                if (t == ')' && sp > 0 && frameKind[sp - 1] == PAREN) {
                    shift(depth + 2);
                    operandEnd();
                    sp--;
                    depth--;
                    vStart = frameStart[sp];
                    if (sp == 0) {
                        return v;
                    }
                    continue;
                }
                throw syntaxError();
            }
        }
    }

    /** Puts a frame at {@code sp} (the fields a kind does not use are written as 0), growing the stack first. */
    private void pushFrame(int sp, int kind, int op, long value, long value2, long start) {
        if (sp == frameKind.length) {
            growFrames();
        }
        frameKind[sp] = kind;
        frameOp[sp] = op;
        frameValue[sp] = value;
        frameValue2[sp] = value2;
        frameStart[sp] = start;
    }

    private void growFrames() {
        int n = frameKind.length * 2;
        frameKind = Arrays.copyOf(frameKind, n);
        frameOp = Arrays.copyOf(frameOp, n);
        frameValue = Arrays.copyOf(frameValue, n);
        frameValue2 = Arrays.copyOf(frameValue2, n);
        frameStart = Arrays.copyOf(frameStart, n);
    }

    /** Precedence of a binary operator, loosest 1 ({@code ||}) to tightest 10 ({@code * / %}); 0 if none. */
    private static int binaryLevel(int t) {
        return switch (t) {
            case OR -> 1;
            case AND -> 2;
            case '|' -> 3;
            case '^' -> 4;
            case '&' -> 5;
            case EQ, NE -> 6;
            case '<', '>', LE, GE -> 7;
            case LSHIFT, RSHIFT -> 8;
            case '+', '-' -> 9;
            case '*', '/', '%' -> 10;
            default -> 0;
        };
    }

    /** {@code a op b} on unsigned 64-bit values; the right operand ends at the token just read. */
    private long binary(int op, long a, long b, long leftStart) {
        return switch (op) {
            case OR -> a != 0 || b != 0 ? 1 : 0;
            case AND -> a != 0 && b != 0 ? 1 : 0;
            case '|' -> a | b;
            case '^' -> a ^ b;
            case '&' -> a & b;
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case '<' -> Long.compareUnsigned(a, b) < 0 ? 1 : 0;
            case '>' -> Long.compareUnsigned(a, b) > 0 ? 1 : 0;
            case LE -> Long.compareUnsigned(a, b) <= 0 ? 1 : 0;
            case GE -> Long.compareUnsigned(a, b) >= 0 ? 1 : 0;
            case LSHIFT -> Long.compareUnsigned(b, 64) < 0 ? a << b : 0;
            case RSHIFT -> Long.compareUnsigned(b, 64) < 0 ? a >>> b : 0;
            case '+' -> a + b;
            case '-' -> a - b;
            case '*' -> a * b;
            case '/', '%' -> {
                if (b == 0) {
                    diag.error(spanToLastOperand(leftStart), "Division by zero");
                    yield 0;
                }
                yield op == '/' ? Long.divideUnsigned(a, b) : Long.remainderUnsigned(a, b);
            }
            default -> throw new IllegalStateException("operator " + op);
        };
    }

    private SourcePos spanToLastOperand(long start) {
        return new SourcePos(lastOperandFile, (int) (start >> 32), (int) start, lastOperandLine, lastOperandColumn);
    }

    private String lastOperandFile;
    private int lastOperandLine;
    private int lastOperandColumn;

    /** Remembers where the token just read ends: the end of an operand, for "Division by zero". */
    private void operandEnd() {
        lastOperandFile = lex.file();
        lastOperandLine = lex.lastLine();
        lastOperandColumn = lex.lastColumn();
    }
}
