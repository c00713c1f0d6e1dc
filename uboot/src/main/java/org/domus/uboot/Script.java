package org.domus.uboot;

import java.util.ArrayList;
import java.util.List;

/**
 * A U-Boot script parsed the way U-Boot's hush shell reads one: commands separated by newlines and {@code ;},
 * joined by {@code &&} and {@code ||}, {@code if … then … elif … else … fi}, {@code #} comments at the start of a
 * word, single quotes (literal), double quotes ({@code $} expanded, {@code \"} escaped), backslash escapes outside
 * quotes ({@code \#address-cells}, {@code \&}), a backslash at the end of a line joining the next, and variables as
 * {@code $name} or {@code ${name}}. Variables are kept as references and expanded when the command runs, as hush
 * does, so {@code setenv a 1; echo $a} prints 1. Pipes, background jobs, loops and subshells are refused with the
 * line they are on; no script for a boot flow uses them.
 *
 * @param name       the script as messages name it ("boot.cmd")
 * @param statements what it runs, in order
 */
record Script(String name, List<Statement> statements) {
    /** One runnable piece of a script. */
    sealed interface Statement permits Command, Chain, If {
        int line();
    }

    /** A simple command: its words as written (text is the source, for messages), expanded when it runs. */
    record Command(int line, String text, List<Word> words) implements Statement {
    }

    /** Commands joined by {@code &&} / {@code ||}: {@code ops.get(i)} joins {@code parts.get(i)} and the next. */
    record Chain(int line, List<Statement> parts, List<String> ops) implements Statement {
    }

    /** {@code if} with its {@code elif} branches and an optional {@code else} body (empty when absent). */
    record If(int line, List<Branch> branches, List<Statement> otherwise) implements Statement {
    }

    record Branch(List<Statement> condition, List<Statement> body) {
    }

    /** A word: literal text and variable references, each quoted or not (only unquoted expansions are split). */
    record Word(List<Part> parts) {
        /** The word's text when it has no variable in it, else null (keywords, {@code name=value} names). */
        String literal() {
            StringBuilder s = new StringBuilder();
            for (Part p : parts) {
                if (!(p instanceof Literal l)) {
                    return null;
                }
                s.append(l.text);
            }
            return s.toString();
        }

        boolean unquotedLiteral(String text) {
            return parts.size() == 1 && parts.getFirst() instanceof Literal l && !l.quoted && l.text.equals(text);
        }
    }

    sealed interface Part permits Literal, Var {
    }

    record Literal(String text, boolean quoted) implements Part {
    }

    record Var(String name, boolean quoted) implements Part {
    }

    /**
     * Parses {@code text}.
     *
     * @throws ReplayException naming the line of a syntax error
     */
    static Script parse(String name, String text) throws ReplayException {
        return new Script(name, new Parser(name, text, new Lexer(name, text).tokens()).all());
    }

    // ---- lexer ----

    private enum Kind { WORD, OP, NEWLINE, END }

    private record Token(Kind kind, int line, int start, int end, Word word, String op) {
    }

    private static final class Lexer {
        private final String script;
        private final String s;
        private int at;
        private int line = 1;
        private final List<Token> out = new ArrayList<>();

        Lexer(String script, String text) {
            this.script = script;
            this.s = text;
        }

        List<Token> tokens() throws ReplayException {
            while (at < s.length()) {
                char c = s.charAt(at);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\0') {
                    at++;
                } else if (c == '\\' && at + 1 < s.length() && s.charAt(at + 1) == '\n') {
                    at += 2;
                    line++;
                } else if (c == '\n') {
                    out.add(new Token(Kind.NEWLINE, line, at, at + 1, null, "\n"));
                    at++;
                    line++;
                } else if (c == '#') {
                    while (at < s.length() && s.charAt(at) != '\n') {
                        at++;
                    }
                } else if (c == ';') {
                    out.add(new Token(Kind.OP, line, at, at + 1, null, ";"));
                    at++;
                } else if (c == '&' || c == '|') {
                    if (at + 1 < s.length() && s.charAt(at + 1) == c) {
                        out.add(new Token(Kind.OP, line, at, at + 2, null, c == '&' ? "&&" : "||"));
                        at += 2;
                    } else {
                        throw new ReplayException(script, line, null, c == '&'
                                ? "'&' (a background job) is not something U-Boot scripts can do; write \\& for the character"
                                : "'|' (a pipe) is not something U-Boot scripts can do; write \\| for the character");
                    }
                } else {
                    word();
                }
            }
            out.add(new Token(Kind.END, line, at, at, null, null));
            return out;
        }

        private final List<Part> parts = new ArrayList<>();
        private final StringBuilder lit = new StringBuilder();
        private boolean litQuoted;

        private void word() throws ReplayException {
            int start = at;
            int startLine = line;
            parts.clear();
            boolean quotes = false;
            while (at < s.length()) {
                char c = s.charAt(at);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '\0') {
                    break;
                }
                if (c == '\\') {
                    if (at + 1 >= s.length()) {
                        add('\\', false);
                        at++;
                    } else if (s.charAt(at + 1) == '\n') {
                        at += 2;
                        line++;
                    } else {
                        add(s.charAt(at + 1), true);
                        at += 2;
                    }
                } else if (c == '\'') {
                    int close = s.indexOf('\'', at + 1);
                    if (close < 0) {
                        throw new ReplayException(script, line, null, "unterminated ' quote");
                    }
                    quotes = true;
                    for (int k = at + 1; k < close; k++) {
                        add(s.charAt(k), true);
                        line += s.charAt(k) == '\n' ? 1 : 0;
                    }
                    at = close + 1;
                } else if (c == '"') {
                    quotes = true;
                    doubleQuoted();
                } else if (c == '$' && variableFollows()) {
                    endLiteral();
                    parts.add(new Var(variable(), false));
                } else {
                    add(c, false);
                    at++;
                }
            }
            endLiteral();
            if (parts.isEmpty() && quotes) {
                parts.add(new Literal("", true)); // "" is an empty argument, not nothing
            }
            out.add(new Token(Kind.WORD, startLine, start, at, new Word(List.copyOf(parts)), null));
        }

        private void doubleQuoted() throws ReplayException {
            int openLine = line;
            at++;
            while (true) {
                if (at >= s.length()) {
                    throw new ReplayException(script, openLine, null, "unterminated \" quote");
                }
                char q = s.charAt(at);
                if (q == '"') {
                    at++;
                    return;
                }
                if (q == '\\' && at + 1 < s.length() && "\"\\$`\n".indexOf(s.charAt(at + 1)) >= 0) {
                    char e = s.charAt(at + 1);
                    if (e == '\n') {
                        line++;
                    } else {
                        add(e, true);
                    }
                    at += 2;
                } else if (q == '$' && variableFollows()) {
                    endLiteral();
                    parts.add(new Var(variable(), true));
                } else {
                    line += q == '\n' ? 1 : 0;
                    add(q, true);
                    at++;
                }
            }
        }

        /** Adds a character to the literal being built, starting a new part when the quoting changes. */
        private void add(char c, boolean quoted) {
            if (!lit.isEmpty() && litQuoted != quoted) {
                endLiteral();
            }
            litQuoted = quoted;
            lit.append(c);
        }

        private void endLiteral() {
            if (!lit.isEmpty()) {
                parts.add(new Literal(lit.toString(), litQuoted));
                lit.setLength(0);
            }
        }

        private boolean variableFollows() {
            if (at + 1 >= s.length()) {
                return false;
            }
            char n = s.charAt(at + 1);
            return n == '{' || n == '?' || Character.isLetterOrDigit(n) || n == '_';
        }

        private String variable() throws ReplayException {
            at++; // $
            if (s.charAt(at) == '{') {
                int close = s.indexOf('}', at);
                if (close < 0) {
                    throw new ReplayException(script, line, null, "no '}' after '${'");
                }
                String name = s.substring(at + 1, close);
                at = close + 1;
                return name;
            }
            if (s.charAt(at) == '?' || Character.isDigit(s.charAt(at))) {
                return String.valueOf(s.charAt(at++));
            }
            int start = at;
            while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')) {
                at++;
            }
            return s.substring(start, at);
        }
    }

    // ---- parser ----

    private static final class Parser {
        private final String script;
        private final String sourceText;
        private final List<Token> tokens;
        private int at;

        Parser(String script, String sourceText, List<Token> tokens) {
            this.script = script;
            this.sourceText = sourceText;
            this.tokens = tokens;
        }

        List<Statement> all() throws ReplayException {
            List<Statement> list = list();
            Token t = peek();
            if (t.kind != Kind.END) {
                throw new ReplayException(script, t.line, null, "'" + keyword(t) + "' without a matching 'if'");
            }
            return list;
        }

        /** Statements up to the end or a closing keyword (then, elif, else, fi), which is left for the caller. */
        private List<Statement> list() throws ReplayException {
            List<Statement> out = new ArrayList<>();
            while (true) {
                Token t = peek();
                if (t.kind == Kind.NEWLINE || t.kind == Kind.OP && t.op.equals(";")) {
                    at++;
                    continue;
                }
                if (t.kind == Kind.END || isKeyword(t, "then", "elif", "else", "fi", "do", "done")) {
                    return out;
                }
                if (t.kind == Kind.OP) {
                    throw new ReplayException(script, t.line, null, "'" + t.op + "' with no command before it");
                }
                out.add(chain());
            }
        }

        private Statement chain() throws ReplayException {
            Statement first = single();
            List<Statement> parts = new ArrayList<>(List.of(first));
            List<String> ops = new ArrayList<>();
            while (peek().kind == Kind.OP && !peek().op.equals(";")) {
                Token op = tokens.get(at++);
                while (peek().kind == Kind.NEWLINE) {
                    at++;
                }
                if (peek().kind != Kind.WORD) {
                    throw new ReplayException(script, op.line, null, "'" + op.op + "' with no command after it");
                }
                ops.add(op.op);
                parts.add(single());
            }
            return ops.isEmpty() ? first : new Chain(first.line(), parts, ops);
        }

        private Statement single() throws ReplayException {
            Token t = peek();
            if (isKeyword(t, "if")) {
                return ifStatement();
            }
            if (isKeyword(t, "for", "while", "until", "case")) {
                throw new ReplayException(script, t.line, null, "'" + keyword(t) + "' loops are not supported by Domus's replay");
            }
            List<Word> words = new ArrayList<>();
            int start = t.start;
            int end = t.end;
            while (peek().kind == Kind.WORD) {
                Token w = tokens.get(at++);
                words.add(w.word);
                end = w.end;
            }
            return new Command(t.line, source(start, end), List.copyOf(words));
        }

        private Statement ifStatement() throws ReplayException {
            Token ifToken = tokens.get(at++);
            List<Branch> branches = new ArrayList<>();
            List<Statement> otherwise = List.of();
            while (true) {
                List<Statement> condition = list();
                expect("then", ifToken);
                List<Statement> body = list();
                branches.add(new Branch(condition, body));
                Token t = peek();
                if (isKeyword(t, "elif")) {
                    at++;
                    continue;
                }
                if (isKeyword(t, "else")) {
                    at++;
                    otherwise = list();
                }
                expect("fi", ifToken);
                return new If(ifToken.line, branches, otherwise);
            }
        }

        private void expect(String keyword, Token ifToken) throws ReplayException {
            Token t = peek();
            if (!isKeyword(t, keyword)) {
                String found = t.kind == Kind.END ? "the end of the script" : "'" + keyword(t) + "' on line " + t.line;
                throw new ReplayException(script, ifToken.line, null, "'if' without '%s' (found %s)".formatted(keyword, found));
            }
            at++;
        }

        private Token peek() {
            return tokens.get(at);
        }

        private String source(int start, int end) {
            return sourceText.substring(start, end);
        }

        private static boolean isKeyword(Token t, String... words) {
            if (t.kind != Kind.WORD) {
                return false;
            }
            for (String w : words) {
                if (t.word.unquotedLiteral(w)) {
                    return true;
                }
            }
            return false;
        }

        private static String keyword(Token t) {
            return t.kind == Kind.WORD ? t.word.literal() : t.op;
        }
    }
}
