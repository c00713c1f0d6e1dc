package org.domus.fdt;

import java.util.List;

/**
 * What dtc's command line changes about how a tree is built and checked, whatever it was read from.
 *
 * @param symbols     {@code -@}: add {@code /__symbols__} (a /plugin/ source gets its fixup nodes either way)
 * @param autoAliases {@code -A}: add every label to {@code /aliases}
 * @param phandles    {@code -H}: which property a phandle dtc allocates is written to
 * @param checks      {@code -W}/{@code -E}, in command-line order
 * @param force       {@code -f}: a tree that fails an error-level check is still built (the errors print)
 */
public record BuildOptions(boolean symbols, boolean autoAliases, PhandleFormat phandles, List<CheckSetting> checks,
                           boolean force) {
    /** dtc's defaults. */
    public static final BuildOptions DEFAULT = new BuildOptions(false, false, PhandleFormat.EPAPR, List.of(), false);

    public BuildOptions {
        checks = List.copyOf(checks);
    }

    /** The defaults, with or without {@code -@}. */
    public static BuildOptions symbols(boolean symbols) {
        return new BuildOptions(symbols, false, PhandleFormat.EPAPR, List.of(), false);
    }

    /** dtc's {@code -H}: "linux,phandle" (legacy), "phandle" (epapr, the default) or both. */
    public enum PhandleFormat {
        LEGACY, EPAPR, BOTH;

        /** {@code -H}'s argument, as dtc spells it. */
        public static PhandleFormat of(String arg) {
            return switch (arg) {
                case "legacy" -> LEGACY;
                case "epapr" -> EPAPR;
                case "both" -> BOTH;
                default -> throw new IllegalArgumentException("Invalid argument \"" + arg + "\" to -H option");
            };
        }
    }

    /**
     * One {@code -W NAME} ({@code error} false) or {@code -E NAME}: turns the check's warning (or error) level on,
     * and its prerequisites' with it; {@code no-NAME} or {@code no_NAME} turns it off, and the checks that need it.
     */
    public record CheckSetting(boolean error, String arg) {
    }
}
