package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

/**
 * The errors found while reading source, in the order dtc reports them. dtc goes on after most errors
 * (a value out of range, a label not found) and stops at the first syntax error or unreadable file;
 * {@link #fatal} records the message and stops.
 */
final class Diagnostics {
    private final List<String> lines = new ArrayList<>();

    void error(SourcePos pos, String message) {
        lines.add(pos + ": " + message);
    }

    void error(String file, int line, int column, String message) {
        lines.add(file + ":" + line + ":" + column + ": " + message);
    }

    ParseAbort fatal(SourcePos pos, String message) {
        error(pos, message);
        return new ParseAbort();
    }

    ParseAbort fatal(String file, int line, int column, String message) {
        error(file, line, column, message);
        return new ParseAbort();
    }

    boolean any() {
        return !lines.isEmpty();
    }

    List<String> lines() {
        return lines;
    }
}
