package org.domus.dom0less;

/**
 * One thing wrong (or worth saying) about a system description, named by its device-tree path and made from a
 * {@link Rule}, which gives its id and severity. Users see {@code /chosen/domU1/module@2000000: error: reg size
 * 0xffffff does not match file size 0x9a1200}.
 */
public record Problem(Rule rule, String path, String message) {
    public enum Severity {
        ERROR, WARNING;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Problem of(Rule rule, String path, String format, Object... args) {
        return new Problem(rule, path, format.formatted(args));
    }

    public Severity severity() {
        return rule.severity();
    }

    /** The rule's id, e.g. "module-size". */
    public String check() {
        return rule.id();
    }

    public boolean isError() {
        return rule.severity() == Severity.ERROR;
    }

    @Override
    public String toString() {
        return path + ": " + severity() + ": " + message;
    }
}
