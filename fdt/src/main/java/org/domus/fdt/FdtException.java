package org.domus.fdt;

/**
 * Every failure of this module: a corrupt blob ({@link DtbException}) or bad source ({@link DtsException}).
 * Nothing else ever escapes a reader or parser.
 */
public sealed class FdtException extends Exception permits DtbException, DtsException {
    public FdtException(String message) {
        super(message);
    }

    public FdtException(String message, Throwable cause) {
        super(message, cause);
    }
}
