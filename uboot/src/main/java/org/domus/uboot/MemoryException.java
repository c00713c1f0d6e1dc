package org.domus.uboot;

/** A read or write outside the board's memory; the message is one line, fit for a user. */
public final class MemoryException extends Exception {
    public MemoryException(String message) {
        super(message);
    }
}
