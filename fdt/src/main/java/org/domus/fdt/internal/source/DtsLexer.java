package org.domus.fdt.internal.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.domus.fdt.InputFile;

/**
 * The tokens of device-tree source, exactly as dtc 1.6.1's scanner produces them. Source is read as
 * bytes. At each position the longest match among the rules active in the current start condition
 * wins, ties going to the earlier rule, and the start condition (which decides, for instance, whether
 * {@code 12} is a number or a node name) changes after the same tokens as in dtc. {@code /include/}
 * and cpp line markers are handled here, so the parser sees one stream of tokens.
 *
 * <p>A token is an {@code int}: a single ASCII character stands for itself (1..127), the others are the
 * constants below. A NUL or non-ASCII byte that no other rule takes is {@link #EOF}: dtc hands it to its
 * parser as a signed {@code char}, and bison reads any token below 1 as the end of input. After
 * {@link #next()}, {@link #text()}, {@link #value()} or {@link #bytes()} hold the token's value and the
 * position accessors its span (1-based, the last column exclusive, as dtc counts). Lexical errors are
 * reported and scanning goes on, as in dtc; a missing include file or a {@code \x} without digits stops.
 */
public final class DtsLexer {
    public static final int EOF = -1;
    public static final int V1 = 256;
    public static final int PLUGIN = 257;
    public static final int MEMRESERVE = 258;
    public static final int BITS = 259;
    public static final int DEL_PROP = 260;
    public static final int DEL_NODE = 261;
    public static final int OMIT_NO_REF = 262;
    public static final int INCBIN = 263;
    /** A property or node name; {@link #text()}. */
    public static final int PROPNODENAME = 264;
    /** An integer literal; {@link #value()}. */
    public static final int LITERAL = 265;
    /** A character literal; {@link #value()}. */
    public static final int CHAR_LITERAL = 266;
    /** Two hex digits inside {@code [ ]}; {@link #value()}. */
    public static final int BYTE = 267;
    /** A string, escapes decoded, NUL-terminated; {@link #bytes()}. */
    public static final int STRING = 268;
    /** {@code name:}; {@link #text()} is the name. */
    public static final int LABEL = 269;
    /** {@code &name}; {@link #text()} is the name. */
    public static final int LABEL_REF = 270;
    /** {@code &{/path}}; {@link #text()} is the path. */
    public static final int PATH_REF = 271;
    public static final int LSHIFT = 272;
    public static final int RSHIFT = 273;
    public static final int LE = 274;
    public static final int GE = 275;
    public static final int EQ = 276;
    public static final int NE = 277;
    public static final int AND = 278;
    public static final int OR = 279;

    /** dtc counts every file it opens for reading source, and gives up at this many. */
    static final int MAX_SOURCE_FILES = 200;

    // start conditions of dtc's scanner
    private static final int INITIAL = 0;
    private static final int NUMBERS = 1; // dtc's "V1": integer literals are recognised
    private static final int NAMES = 2; // dtc's "PROPNODENAME"
    private static final int BYTES = 3; // dtc's "BYTESTRING"

    private static final String[] KEYWORDS = {
        "/dts-v1/", "/plugin/", "/memreserve/", "/bits/", "/delete-property/", "/delete-node/", "/omit-if-no-ref/", "/incbin/"
    };
    private static final byte[][] KEYWORD_BYTES = new byte[KEYWORDS.length][];
    private static final int[] KEYWORD_TOKENS = {V1, PLUGIN, MEMRESERVE, BITS, DEL_PROP, DEL_NODE, OMIT_NO_REF, INCBIN};
    private static final byte[] INCLUDE = "/include/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE = "line".getBytes(StandardCharsets.US_ASCII);

    /** Bit 1: PROPNODECHAR, bit 2: LABEL start, bit 4: LABEL char, bit 8: path char. */
    private static final byte[] CLASS = new byte[256];

    static {
        for (int i = 0; i < KEYWORDS.length; i++) {
            KEYWORD_BYTES[i] = KEYWORDS[i].getBytes(StandardCharsets.US_ASCII);
        }
        for (int c = 0; c < 256; c++) {
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            int k = 0;
            if (alpha || digit || ",._+*#?@-".indexOf(c) >= 0) {
                k |= 1 | 8;
            }
            if (alpha || c == '_') {
                k |= 2;
            }
            if (alpha || digit || c == '_') {
                k |= 4;
            }
            if (c == '/') {
                k |= 8;
            }
            CLASS[c] = (byte) k;
        }
    }

    /** One file being read; {@code dir} is dtc's directory string of the name it was opened by. */
    private static final class SourceFile {
        final byte[] buf;
        final String dir;
        final SourceFile includer;
        String name;
        int pos;
        int line = 1;
        int column = 1;

        SourceFile(byte[] buf, String name, SourceFile includer) {
            this.buf = buf;
            this.name = name;
            this.includer = includer;
            int slash = name.lastIndexOf('/');
            this.dir = slash >= 0 ? name.substring(0, slash) : null;
        }
    }

    private final Diagnostics diagnostics;
    private final List<String> includeDirs;
    /** Every file /include/ or /incbin/ opened, by the name dtc shows, in order (dtc's -d lists them). */
    final List<String> opened = new java.util.ArrayList<>();
    private SourceFile current;
    private int filesOpened;
    private int state = INITIAL;

    // the current token
    private int token;
    private String text;
    private long value;
    private byte[] bytes;
    // span of the last text matched (a token, or blanks and comments before an end of file)
    private String file;
    private int firstLine;
    private int firstColumn;
    private int lastLine;
    private int lastColumn;

    DtsLexer(byte[] source, String fileName, List<String> includeDirs, Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        this.includeDirs = includeDirs;
        this.current = new SourceFile(source, fileName, null);
        this.filesOpened = 1;
        // before any text is read dtc's location is all zeros (an empty file's syntax error is at 0:0)
        this.file = fileName;
    }

    /** A lexer over {@code source} alone, for tests: lexical errors are collected, /include/ resolves from the working directory. */
    public static DtsLexer of(byte[] source, String fileName) {
        return new DtsLexer(source, fileName, List.of(), new Diagnostics());
    }

    /** Lexical errors so far, as {@code file:line:col: message}. */
    public List<String> errors() {
        return List.copyOf(diagnostics.lines());
    }

    public int token() {
        return token;
    }

    public String text() {
        return text;
    }

    public long value() {
        return value;
    }

    public byte[] bytes() {
        return bytes;
    }

    public String file() {
        return file;
    }

    public int firstLine() {
        return firstLine;
    }

    public int firstColumn() {
        return firstColumn;
    }

    public int lastLine() {
        return lastLine;
    }

    public int lastColumn() {
        return lastColumn;
    }

    /** The span of the current token (or of the last text read, at the end of input). */
    public SourcePos pos() {
        return new SourcePos(file, firstLine, firstColumn, lastLine, lastColumn);
    }

    /** A readable name for a token, for tests and messages. */
    public static String describe(int token) {
        if (token == EOF) {
            return "end of input";
        }
        if (token < 256) {
            return token >= 0x21 && token < 0x7f ? "'" + (char) token + "'" : String.format("byte 0x%02x", token);
        }
        return switch (token) {
            case PROPNODENAME -> "name";
            case LITERAL -> "integer";
            case CHAR_LITERAL -> "character literal";
            case BYTE -> "byte";
            case STRING -> "string";
            case LABEL -> "label";
            case LABEL_REF -> "label reference";
            case PATH_REF -> "path reference";
            case LSHIFT -> "'<<'";
            case RSHIFT -> "'>>'";
            case LE -> "'<='";
            case GE -> "'>='";
            case EQ -> "'=='";
            case NE -> "'!='";
            case AND -> "'&&'";
            case OR -> "'||'";
            default -> KEYWORDS[token - V1];
        };
    }

    /** Reads the next token. */
    public int next() {
        for (;;) {
            SourceFile f = current;
            byte[] b = f.buf;
            int p = f.pos;
            if (p >= b.length) {
                if (f.includer == null) {
                    return token = EOF;
                }
                current = f.includer;
                continue;
            }
            int c = b[p] & 0xff;
            if (Escapes.isSpace(c)) {
                int i = p + 1;
                while (i < b.length && Escapes.isSpace(b[i] & 0xff)) {
                    i++;
                }
                consume(i - p);
                continue;
            }
            int result = switch (c) {
                case '/' -> slash(b, p);
                case '"' -> string(b, p);
                case '#' -> hash(b, p);
                case '\'' -> charLiteral(b, p);
                case '&' -> ampersand(b, p);
                case '<' -> pair(b, p, '<', LSHIFT, '=', LE);
                case '>' -> pair(b, p, '>', RSHIFT, '=', GE);
                case '=' -> pair(b, p, '=', EQ, -2, 0);
                case '!' -> pair(b, p, '=', NE, -2, 0);
                case '|' -> pair(b, p, '|', OR, -2, 0);
                case '\\' -> backslash(b, p);
                case ']' -> {
                    if (state == BYTES) {
                        consume(1);
                        state = NUMBERS;
                        yield token = ']';
                    }
                    yield single(c);
                }
                default -> word(b, p, c);
            };
            if (result != SKIP) {
                return result;
            }
        }
    }

    /** Returned by a rule that matched text which is not a token (comment, line marker, /include/). */
    private static final int SKIP = Integer.MIN_VALUE;

    private int slash(byte[] b, int p) {
        if (startsWith(b, p, INCLUDE)) {
            int i = p + INCLUDE.length;
            while (i < b.length && Escapes.isSpace(b[i] & 0xff)) {
                i++;
            }
            int len = i < b.length && b[i] == '"' ? stringLength(b, i) : -1;
            if (len > 0) {
                int nameStart = i + 1;
                int nameEnd = i + len - 1;
                consume(i + len - p);
                include(cString(b, nameStart, nameEnd));
                return SKIP;
            }
        }
        for (int k = 0; k < KEYWORD_BYTES.length; k++) {
            if (startsWith(b, p, KEYWORD_BYTES[k])) {
                int tok = KEYWORD_TOKENS[k];
                if (tok == INCBIN && state != INITIAL && state != NUMBERS) {
                    break;
                }
                consume(KEYWORD_BYTES[k].length);
                switch (tok) {
                    case V1, MEMRESERVE, BITS -> state = NUMBERS;
                    case DEL_PROP, DEL_NODE, OMIT_NO_REF -> state = NAMES;
                    default -> {
                    }
                }
                return token = tok;
            }
        }
        if (p + 1 < b.length && b[p + 1] == '*') {
            int end = commentEnd(b, p + 2);
            if (end > 0) {
                consume(end - p);
                return SKIP;
            }
        } else if (p + 1 < b.length && b[p + 1] == '/') {
            int i = p + 2;
            while (i < b.length && b[i] != '\n') {
                i++;
            }
            if (i < b.length) {
                consume(i + 1 - p);
                return SKIP;
            }
        }
        return single('/');
    }

    /** The end (exclusive) of a C comment whose body starts at {@code i}, or -1 if it is not closed. */
    private static int commentEnd(byte[] b, int i) {
        for (; i + 1 < b.length; i++) {
            if (b[i] == '*' && b[i + 1] == '/') {
                return i + 2;
            }
        }
        return -1;
    }

    private int string(byte[] b, int p) {
        int len = stringLength(b, p);
        if (len < 0) {
            return single('"');
        }
        consume(len);
        bytes = decodeTerminated(b, p + 1, len - 2, p + len);
        return token = STRING;
    }

    /**
     * Length of the string literal at {@code p} ({@code "} then characters or backslash pairs, a backslash
     * never before a newline), or -1.
     */
    private static int stringLength(byte[] b, int p) {
        int i = p + 1;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                return i + 1 - p;
            }
            if (c == '\\') {
                if (i + 1 >= b.length || b[i + 1] == '\n') {
                    return -1;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** Decodes escapes and appends the NUL that ends every string value. */
    private byte[] decodeTerminated(byte[] b, int start, int len, int limit) {
        byte[] d = decodeOrStop(b, start, len, limit);
        byte[] out = new byte[d.length + 1];
        System.arraycopy(d, 0, out, 0, d.length);
        return out;
    }

    private byte[] decodeOrStop(byte[] b, int start, int len, int limit) {
        try {
            return Escapes.decode(b, start, len, limit);
        } catch (Escapes.NoHexDigits e) {
            throw diagnostics.fatal(pos(), "\\x used with no following hex digits");
        }
    }

    private int hash(byte[] b, int p) {
        if (p == 0 || b[p - 1] == '\n') {
            int len = lineMarkerLength(b, p);
            if (len > 0) {
                consume(len);
                lineMarker(b, p, len);
                return SKIP;
            }
        }
        if (state == NAMES) {
            return name(b, p, p);
        }
        return single('#');
    }

    /** {@code #} or {@code #line}, blanks, digits, blanks, a string, then any number of (blanks, digits). */
    private static int lineMarkerLength(byte[] b, int p) {
        int i = p + 1;
        if (startsWith(b, i, LINE)) {
            i += LINE.length;
        }
        int j = skipBlanks(b, i);
        if (j == i) {
            return -1;
        }
        i = skipDigits(b, j);
        if (i == j) {
            return -1;
        }
        j = skipBlanks(b, i);
        if (j == i || j >= b.length || b[j] != '"') {
            return -1;
        }
        int len = stringLength(b, j);
        if (len < 0) {
            return -1;
        }
        i = j + len;
        for (;;) {
            j = skipBlanks(b, i);
            if (j == i) {
                break;
            }
            int k = skipDigits(b, j);
            if (k == j) {
                break;
            }
            i = k;
        }
        return i - p;
    }

    private void lineMarker(byte[] b, int p, int len) {
        int end = p + len;
        int digits = p + 1;
        while (b[digits] < '0' || b[digits] > '9') {
            digits++;
        }
        int open = p;
        while (b[open] != '"') {
            open++;
        }
        int close = end - 1;
        while (b[close] != '"') {
            close--;
        }
        byte[] name = decodeOrStop(b, open + 1, close - open - 1, end);
        int nul = indexOf(name, 0);
        if (nul >= 0) {
            diagnostics.error(pos(), "nul in line number directive");
        }
        current.name = new String(name, 0, nul >= 0 ? nul : name.length, StandardCharsets.UTF_8);
        // as C's atoi: strtol, saturated to the long range, then cut to int
        long n = 0;
        for (int i = digits; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
            int d = b[i] - '0';
            n = n > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : n * 10 + d;
        }
        // the marker names the line after it
        current.line = (int) n - 1;
    }

    private int charLiteral(byte[] b, int p) {
        // the longest '...' in which every quote but the last follows a backslash
        int end = -1;
        for (int i = p + 1; i < b.length; i++) {
            if (b[i] == '\'') {
                end = i + 1;
                if (b[i - 1] != '\\') {
                    break;
                }
            }
        }
        if (end < 0) {
            return single('\'');
        }
        consume(end - p);
        byte[] d = decodeOrStop(b, p + 1, end - p - 2, end);
        if (d.length == 0) {
            diagnostics.error(pos(), "Empty character literal");
            value = 0;
        } else {
            value = d[0] & 0xff;
            if (d.length > 1) {
                diagnostics.error(pos(), "Character literal has " + d.length + " characters instead of 1");
            }
        }
        return token = CHAR_LITERAL;
    }

    private int ampersand(byte[] b, int p) {
        int c1 = p + 1 < b.length ? b[p + 1] & 0xff : -1;
        if (c1 == '&') {
            consume(2);
            return token = AND;
        }
        if (c1 >= 0 && (CLASS[c1] & 2) != 0) {
            int i = p + 2;
            while (i < b.length && (CLASS[b[i] & 0xff] & 4) != 0) {
                i++;
            }
            text = ascii(b, p + 1, i);
            consume(i - p);
            return token = LABEL_REF;
        }
        if (c1 == '{' && p + 2 < b.length && b[p + 2] == '/') {
            int i = p + 3;
            while (i < b.length && (CLASS[b[i] & 0xff] & 8) != 0) {
                i++;
            }
            if (i < b.length && b[i] == '}') {
                text = ascii(b, p + 2, i);
                consume(i + 1 - p);
                return token = PATH_REF;
            }
        }
        return single('&');
    }

    private int pair(byte[] b, int p, int second1, int token1, int second2, int token2) {
        int c1 = p + 1 < b.length ? b[p + 1] & 0xff : -1;
        if (c1 == second1) {
            consume(2);
            return token = token1;
        }
        if (c1 == second2) {
            consume(2);
            return token = token2;
        }
        return single(b[p] & 0xff);
    }

    private int backslash(byte[] b, int p) {
        if (state == NAMES && p + 1 < b.length && (CLASS[b[p + 1] & 0xff] & 1) != 0) {
            return name(b, p, p + 1);
        }
        return single('\\');
    }

    /** Labels, integer literals, bytes and names, by start condition. */
    private int word(byte[] b, int p, int c) {
        int labelLength = 0;
        if ((CLASS[c] & 2) != 0) {
            int i = p + 1;
            while (i < b.length && (CLASS[b[i] & 0xff] & 4) != 0) {
                i++;
            }
            if (i < b.length && b[i] == ':') {
                labelLength = i + 1 - p;
            }
        }
        // a label is always the longest match where one is possible: ':' ends it and continues nothing else
        if (labelLength > 0) {
            text = ascii(b, p, p + labelLength - 1);
            consume(labelLength);
            return token = LABEL;
        }
        switch (state) {
            case NUMBERS -> {
                if (c >= '0' && c <= '9') {
                    return literal(b, p);
                }
            }
            case NAMES -> {
                if ((CLASS[c] & 1) != 0) {
                    return name(b, p, p);
                }
            }
            case BYTES -> {
                if (Escapes.hexValue(c) >= 0 && p + 1 < b.length && Escapes.hexValue(b[p + 1] & 0xff) >= 0) {
                    value = Escapes.hexValue(c) * 16 + Escapes.hexValue(b[p + 1] & 0xff);
                    consume(2);
                    return token = BYTE;
                }
            }
            default -> {
            }
        }
        return single(c);
    }

    /** A property or node name starting at {@code start} (after an optional backslash at {@code p}). */
    private int name(byte[] b, int p, int start) {
        int i = start;
        while (i < b.length && (CLASS[b[i] & 0xff] & 1) != 0) {
            i++;
        }
        text = ascii(b, start, i);
        consume(i - p);
        state = NUMBERS;
        return token = PROPNODENAME;
    }

    /** {@code [0-9]+} or {@code 0x[0-9a-f]+}, then U, L, UL, LL or ULL; valued as C's strtoull(.., 0). */
    private int literal(byte[] b, int p) {
        int i = p;
        if (b[p] == '0' && p + 2 < b.length && (b[p + 1] | 0x20) == 'x' && Escapes.hexValue(b[p + 2] & 0xff) >= 0) {
            i = p + 2;
            while (i < b.length && Escapes.hexValue(b[i] & 0xff) >= 0) {
                i++;
            }
        } else {
            while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
        }
        if (startsWith(b, i, "ULL")) {
            i += 3;
        } else if (startsWith(b, i, "UL") || startsWith(b, i, "LL")) {
            i += 2;
        } else if (i < b.length && (b[i] == 'U' || b[i] == 'L')) {
            i++;
        }
        int end = i;
        consume(end - p);

        int base = 10;
        int d = p;
        if (b[p] == '0' && end - p > 1 && (b[p + 1] | 0x20) == 'x') {
            base = 16;
            d = p + 2;
        } else if (b[p] == '0') {
            base = 8;
        }
        long v = 0;
        boolean overflow = false;
        for (; d < end; d++) {
            int digit = Escapes.hexValue(b[d] & 0xff);
            if (digit < 0 || digit >= base) {
                break;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - digit, base)) > 0) {
                overflow = true;
            }
            v = v * base + digit;
        }
        value = overflow ? -1L : v;
        boolean suffixOnly = true;
        for (int k = d; k < end; k++) {
            suffixOnly &= b[k] == 'U' || b[k] == 'L';
        }
        String literal = ascii(b, p, end);
        if (!suffixOnly) {
            diagnostics.error(pos(), "Bad integer literal '" + literal + "'");
        }
        if (overflow) {
            diagnostics.error(pos(), "Integer literal '" + literal + "' out of range");
        }
        return token = LITERAL;
    }

    private int single(int c) {
        consume(1);
        if (c == 0 || c >= 0x80) {
            // dtc returns the byte as a (signed) char, and bison takes any token <= 0 for the end of input:
            // a NUL or non-ASCII byte where no rule but "any character" matches ends the source there
            return token = EOF;
        }
        if (c == '[') {
            state = BYTES;
        } else if (c == '{' || c == ';') {
            state = NAMES;
        }
        return token = c;
    }

    /** Moves over {@code len} bytes of the current file, counting lines and columns as dtc does. */
    private void consume(int len) {
        SourceFile f = current;
        file = f.name;
        firstLine = f.line;
        firstColumn = f.column;
        byte[] b = f.buf;
        int line = f.line;
        int column = f.column;
        for (int i = f.pos, end = f.pos + len; i < end; i++) {
            if (b[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        f.line = lastLine = line;
        f.column = lastColumn = column;
        f.pos += len;
    }

    // ---- files ----

    private void include(String name) {
        if (filesOpened++ >= MAX_SOURCE_FILES) {
            throw diagnostics.fatal(pos(), "Includes nested too deeply");
        }
        Opened o = open(name, InputFile.DTS_LIMIT);
        SourceFile f = new SourceFile(o.bytes, o.fullName, current);
        current = f;
    }

    /** A file found by {@link #open}: the name dtc would show for it and its content. */
    record Opened(String fullName, byte[] bytes) {
    }

    /**
     * Opens {@code name} as dtc does for /include/ and /incbin/: as given if absolute, else next to the file
     * being read, then in each include directory in turn. Fails at the current position if none opens. A file
     * that is not a regular one (a FIFO, a device) or is larger than {@code limit} is refused where it is named.
     */
    Opened open(String name, long limit) {
        String failure = "No such file or directory";
        String[] dirs = new String[includeDirs.size() + 1];
        dirs[0] = current.dir;
        for (int i = 0; i < includeDirs.size(); i++) {
            dirs[i + 1] = includeDirs.get(i);
        }
        for (int i = 0; i < dirs.length; i++) {
            String full = (i > 0 || dirs[i] != null) && !name.startsWith("/") ? joinPath(dirs[i], name) : name;
            try {
                Path path = Path.of(full);
                if (Files.isDirectory(path)) {
                    throw diagnostics.fatal(pos(), "Couldn't read \"" + full + "\": Is a directory");
                }
                Opened o = new Opened(full, InputFile.read(path, limit, "an included file"));
                opened.add(full);
                return o;
            } catch (InputFile.RefusedException e) {
                throw diagnostics.fatal(pos(), "Couldn't read \"" + full + "\": " + e.why());
            } catch (NoSuchFileException | InvalidPathException e) {
                failure = "No such file or directory";
            } catch (AccessDeniedException e) {
                failure = "Permission denied";
            } catch (IOException e) {
                failure = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            }
        }
        throw diagnostics.fatal(pos(), "Couldn't open \"" + name + "\": " + failure);
    }

    private static String joinPath(String dir, String name) {
        return dir.isEmpty() || dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    // ---- helpers ----

    private static boolean startsWith(byte[] b, int p, byte[] s) {
        if (p + s.length > b.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (b[p + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int p, String s) {
        if (p + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int skipBlanks(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int skipDigits(byte[] b, int i) {
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] b, int value) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Bytes as a C string: up to the first NUL. */
    static String cString(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == 0) {
                to = i;
                break;
            }
        }
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
}
