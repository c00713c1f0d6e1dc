package org.domus.payload;

/** The guest payload could not be fetched or built; the message is one line that says what and why. */
public class PayloadException extends Exception {
    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
