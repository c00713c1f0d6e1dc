package org.domus.fdt.internal.source;

/**
 * Unwinds the parser after a fatal error (a syntax error, a missing include file, ...). The diagnostic
 * has already been recorded in the {@link Diagnostics}; {@link TreeSource} turns them into a
 * {@link org.domus.fdt.DtsException}. Never escapes this package.
 */
final class ParseAbort extends RuntimeException {
    ParseAbort() {
        super(null, null, false, false);
    }
}
