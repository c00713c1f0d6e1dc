package org.domus.fdt.internal.source;

/**
 * A span of source text, 1-based lines and columns as dtc counts them. {@code file} is the name as the
 * user (or an /include/ or a cpp line marker) wrote it.
 */
public record SourcePos(String file, int firstLine, int firstColumn, int lastLine, int lastColumn) {
    /** {@code file:line:col}, the prefix of every diagnostic the user sees. */
    @Override
    public String toString() {
        return file + ":" + firstLine + ":" + firstColumn;
    }

    /** A span from the start of this one to the end of {@code last}. */
    public SourcePos to(SourcePos last) {
        return new SourcePos(file, firstLine, firstColumn, last.lastLine, last.lastColumn);
    }
}
