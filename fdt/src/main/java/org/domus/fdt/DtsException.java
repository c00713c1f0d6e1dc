package org.domus.fdt;

import java.util.List;

/**
 * Device-tree source that dtc would reject. Each diagnostic is one line that starts with the
 * source position, {@code file:line:col: message}; the exception message is all of them, one per line.
 */
public final class DtsException extends FdtException {
    private final List<String> diagnostics;

    public DtsException(List<String> diagnostics) {
        super(String.join("\n", diagnostics));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public DtsException(String diagnostic) {
        this(List.of(diagnostic));
    }

    public List<String> diagnostics() {
        return diagnostics;
    }
}
