package org.domus.xenstore;

/**
 * A request refused with one of the protocol's error names: the engine throws it to answer {@code ERROR}, the
 * client throws it when the store answered so. No stack trace: a refusal is an answer, not a bug.
 */
public final class XsErrorException extends XenstoreException {
    private static final long serialVersionUID = 1L;
    private final XsError error;

    public XsErrorException(XsError error, String message) {
        super(error + ": " + message, null);
        this.error = error;
    }

    public XsError error() {
        return error;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
