package org.domus.uboot;

/** A command that failed: the message says why; the replay adds the script, line and command in front. */
final class CommandError extends Exception {
    CommandError(String message) {
        super(message);
    }
}
