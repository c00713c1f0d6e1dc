package org.domus.hypervisor;

import java.util.Arrays;

/**
 * Text from a guest, or named by one (console lines, domain names, events that quote them), made safe to print on a
 * user's terminal. A terminal obeys the control characters and escape sequences in whatever it prints: a guest
 * could set the window title, clear the screen, hide a line behind a carriage return, or make the terminal answer
 * a query (DECRQSS, {@code ESC [21t}) as if typed, into the user's shell once Domus has gone. Xen's console drops
 * what is not printable; Domus shows it escaped instead ({@code \e]0;x\a}), so nothing a guest sent is hidden from
 * the user, while each domain's console.log keeps the raw bytes. Printable text, UTF-8 included, passes unchanged.
 * <p>
 * A control is a C0 character, DEL or a C1 character (U+0080 to U+009F, which some terminals obey as ESC [ and
 * the like). Shown as {@code \e \a \b \t \n \v \f \r}, else {@code \xNN} (C0, DEL) or {@code \u0085} (C1).
 */
public final class TerminalText {
    /** The cursor position query busybox's line editor sends after its prompt; the terminal answers it as keys. */
    static final String CURSOR_QUERY = "\033[6n";
    private static final char ESC = 0x1b;
    /** A line editor moves at most this far: a guest asking for more is capped, not obeyed with a huge padding. */
    private static final int MAX_MOVE = 4096;

    /** The holder's unfinished line as the terminal is to show it: text, and how far the cursor stands left of its end. */
    record Edited(String text, int back) {
    }

    private TerminalText() {
    }

    /** A name, an event, any one-line text: every control shown escaped. */
    public static String escape(String s) {
        return neutralise(s, false);
    }

    /**
     * A finished console line: every control shown escaped, a carriage return included, so that what came before
     * it stays in sight; tabs are kept, and colours (SGR) and the cursor query dropped, as they carry no text.
     */
    public static String line(String s) {
        return neutralise(s, true);
    }

    /**
     * The unfinished line of the domain holding console input, as a terminal would show it: the line editing a
     * shell does on its prompt line (carriage return, backspace, cursor left/right, erase to the end) is applied
     * here, so only text reaches the terminal, the cursor query (its answer goes to the guest) and, drawn by the
     * caller, Domus's own cursor movement. A bell is dropped; every other control is shown escaped.
     */
    static Edited edit(String s) {
        Cells line = new Cells();
        int query = -1;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ESC) {
                int end = csiEnd(s, i);
                if (end > 0) {
                    char fin = s.charAt(end - 1);
                    if (isSgr(s, i, end)) {
                        i = end;
                        continue;
                    }
                    if (end == i + CURSOR_QUERY.length() && s.startsWith(CURSOR_QUERY, i)) {
                        query = line.cursor;
                        i = end;
                        continue;
                    }
                    int count = number(s, i + 2, end - 1);
                    if (count != -1 && (fin == 'D' || fin == 'C')) {
                        line.move(fin == 'D' ? -Math.max(count, 1) : Math.max(count, 1));
                        i = end;
                        continue;
                    }
                    if ((count == -2 || count == 0) && (fin == 'K' || fin == 'J')) {
                        line.truncate();
                        if (query > line.cursor) {
                            query = -1;
                        }
                        i = end;
                        continue;
                    }
                }
                line.writeEscaped(c);
            } else if (c == '\b') {
                line.move(-1);
            } else if (c == '\r') {
                line.cursor = 0;
            } else if (c == 0x07) {
                // a bell (busybox's failed completion) takes no room on screen: shown escaped, it would shift the line
            } else if (c != '\t' && isControl(c)) {
                line.writeEscaped(c);
            } else {
                int cp = s.codePointAt(i);
                line.write(cp);
                i += Character.charCount(cp);
                continue;
            }
            i++;
        }
        return line.edited(query);
    }

    /** Whether {@code c} is a C0 control, DEL or a C1 control. */
    static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
    }

    private static String neutralise(String s, boolean consoleLine) {
        int n = s.length();
        int i = 0;
        while (i < n && !(isControl(s.charAt(i)) && !(consoleLine && s.charAt(i) == '\t'))) {
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (consoleLine && c == ESC) {
                int end = csiEnd(s, i);
                if (end > 0 && (isSgr(s, i, end) || (end == i + CURSOR_QUERY.length() && s.startsWith(CURSOR_QUERY, i)))) {
                    i = end;
                    continue;
                }
            }
            if (isControl(c) && !(consoleLine && c == '\t')) {
                appendEscaped(b, c);
            } else {
                b.append(c);
            }
            i++;
        }
        return b.toString();
    }

    private static void appendEscaped(StringBuilder b, char c) {
        switch (c) {
            case ESC -> b.append("\\e");
            case 0x07 -> b.append("\\a");
            case '\b' -> b.append("\\b");
            case '\t' -> b.append("\\t");
            case '\n' -> b.append("\\n");
            case 0x0b -> b.append("\\v");
            case '\f' -> b.append("\\f");
            case '\r' -> b.append("\\r");
            default -> {
                if (c < 0x80) {
                    b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                } else {
                    b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                }
            }
        }
    }

    /**
     * The index after a control sequence introduced by ESC [ at {@code i} (ECMA-48: parameter bytes 0x30-0x3F,
     * intermediate bytes 0x20-0x2F, a final byte 0x40-0x7E), or -1 when there is none there.
     */
    private static int csiEnd(String s, int i) {
        int n = s.length();
        if (i + 1 >= n || s.charAt(i) != ESC || s.charAt(i + 1) != '[') {
            return -1;
        }
        int j = i + 2;
        while (j < n && s.charAt(j) >= 0x30 && s.charAt(j) <= 0x3f) {
            j++;
        }
        while (j < n && s.charAt(j) >= 0x20 && s.charAt(j) <= 0x2f) {
            j++;
        }
        return j < n && s.charAt(j) >= 0x40 && s.charAt(j) <= 0x7e ? j + 1 : -1;
    }

    /** A colour or style change, ESC [ digits ; : m: it moves nothing and asks nothing. */
    private static boolean isSgr(String s, int i, int end) {
        if (s.charAt(end - 1) != 'm') {
            return false;
        }
        for (int j = i + 2; j < end - 1; j++) {
            char c = s.charAt(j);
            if (!(c >= '0' && c <= '9') && c != ';' && c != ':') {
                return false;
            }
        }
        return true;
    }

    /** The one decimal parameter in {@code s[from, to)}, capped; -2 when there is none, -1 when it is not one number. */
    private static int number(String s, int from, int to) {
        if (from == to) {
            return -2;
        }
        int v = 0;
        for (int j = from; j < to; j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = Math.min(MAX_MOVE, v * 10 + (c - '0'));
        }
        return v;
    }

    /** One screen line: its cells (a code point each) and the cursor, as a terminal keeps them. */
    private static final class Cells {
        private int[] cells = new int[64];
        private int size;
        private int cursor;

        void write(int cp) {
            padToCursor();
            if (cursor == cells.length) {
                cells = Arrays.copyOf(cells, cells.length * 2);
            }
            cells[cursor++] = cp;
            size = Math.max(size, cursor);
        }

        /** The cursor moved past the end: a terminal shows blanks there. */
        private void padToCursor() {
            if (cursor > cells.length) {
                cells = Arrays.copyOf(cells, Math.max(cells.length * 2, cursor));
            }
            while (size < cursor) {
                cells[size++] = ' ';
            }
        }

        void writeEscaped(char c) {
            StringBuilder b = new StringBuilder(6);
            appendEscaped(b, c);
            for (int k = 0; k < b.length(); k++) {
                write(b.charAt(k));
            }
        }

        void move(int by) {
            cursor = Math.clamp((long) cursor + by, 0, Math.max(size, MAX_MOVE));
        }

        void truncate() {
            size = Math.min(size, cursor);
        }

        /** The text with the cursor query where it was asked, and the cursor's distance from the end. */
        Edited edited(int query) {
            padToCursor();
            StringBuilder b = new StringBuilder(size + 8);
            for (int k = 0; k < size; k++) {
                if (k == query) {
                    b.append(CURSOR_QUERY);
                }
                b.appendCodePoint(cells[k]);
            }
            if (query == size) {
                b.append(CURSOR_QUERY);
            }
            return new Edited(b.toString(), size - cursor);
        }
    }
}
