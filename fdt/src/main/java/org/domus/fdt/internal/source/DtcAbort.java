package org.domus.fdt.internal.source;

/**
 * Raised where dtc 1.6.1 itself would die on the input (a failed assertion, a null dereference or an endless
 * loop): dtc writes no output then, so the input counts as rejected. Caught by {@link TreeBuilder}.
 */
final class DtcAbort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DtcAbort(String message) {
        super(message, null, false, false);
    }
}
