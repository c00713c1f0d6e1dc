package org.domus.engine;

/** An engine could not do what was asked; the message says what and why, in one line. */
public class EngineException extends Exception {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
