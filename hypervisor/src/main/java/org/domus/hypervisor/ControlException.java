package org.domus.hypervisor;

/**
 * A toolstack request that cannot be done: no system running, an unknown domain, a domain in the wrong state, a
 * CPU the host does not have. The message is one line, for the user as it is.
 */
public class ControlException extends Exception {
    public ControlException(String message) {
        super(message);
    }

    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
