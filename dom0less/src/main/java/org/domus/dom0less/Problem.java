package org.domus.dom0less;

/**
 * One thing wrong (or worth saying) about a system description, named by its device-tree path. The
 * {@code check} id is for tests; users see {@code /chosen/domU1/module@2000000: error: reg size 0xffffff
 * does not match file size 0x9a1200}.
 */
public record Problem(Severity severity, String check, String path, String message) {
    public enum Severity {
        ERROR, WARNING;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Problem error(String check, String path, String format, Object... args) {
        return new Problem(Severity.ERROR, check, path, format.formatted(args));
    }

    public static Problem warning(String check, String path, String format, Object... args) {
        return new Problem(Severity.WARNING, check, path, format.formatted(args));
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return path + ": " + severity + ": " + message;
    }
}
