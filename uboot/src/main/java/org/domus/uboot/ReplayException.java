package org.domus.uboot;

/**
 * A U-Boot replay stopped before anything booted. The message is one line naming where: the script and line,
 * then the command, then what went wrong ({@code boot.cmd:2: tftpb 0x0x80000 xen-Image: '0x0x80000' is not a
 * valid address}), so that a user can go straight to the line to fix.
 */
public final class ReplayException extends Exception {
    private final String script;
    private final int line;

    /**
     * @param script  the script's name as the user gave it ("boot.cmd", "boot.scr")
     * @param line    1-based line in the script, or 0 when the error is not tied to a line
     * @param command the command as written, or null
     * @param message what went wrong, without the location
     */
    public ReplayException(String script, int line, String command, String message) {
        super(location(script, line) + (command == null ? "" : command + ": ") + message);
        this.script = script;
        this.line = line;
    }

    public String script() {
        return script;
    }

    public int line() {
        return line;
    }

    private static String location(String script, int line) {
        if (script == null) {
            return "";
        }
        return line > 0 ? script + ":" + line + ": " : script + ": ";
    }
}
