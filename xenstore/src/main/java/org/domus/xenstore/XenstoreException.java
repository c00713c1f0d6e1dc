package org.domus.xenstore;

/** Something xenstored was asked could not be done; the message says what and why, in one line. */
public sealed class XenstoreException extends RuntimeException permits XsErrorException {
    private static final long serialVersionUID = 1L;

    public XenstoreException(String message) {
        super(message);
    }

    public XenstoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
