package org.domus.fdt.internal.source;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.domus.fdt.BuildOptions.CheckSetting;
import org.domus.fdt.DtsException;

/**
 * Each check's two switches for one run, as dtc keeps them: whether a failure is reported as a warning, and
 * whether it is an error. They start at the table's levels and change with {@code -W}/{@code -E}: raising a
 * check raises its prerequisites, lowering it lowers the checks that need it.
 */
final class CheckLevels {
    private final Map<Check, Boolean> warn = new IdentityHashMap<>();
    private final Map<Check, Boolean> error = new IdentityHashMap<>();

    private CheckLevels() {
        for (Check c : Checks.TABLE) {
            warn.put(c, c.level() == Check.Level.WARNING);
            error.put(c, c.level() == Check.Level.ERROR);
        }
    }

    static final CheckLevels DEFAULT = new CheckLevels();

    static CheckLevels of(List<CheckSetting> settings) throws DtsException {
        if (settings.isEmpty()) {
            return DEFAULT;
        }
        CheckLevels levels = new CheckLevels();
        for (CheckSetting s : settings) {
            String name = s.arg();
            boolean enable = true;
            if (name.startsWith("no-") || name.startsWith("no_")) {
                name = name.substring(3);
                enable = false;
            }
            Check check = null;
            for (Check c : Checks.TABLE) {
                if (c.name().equals(name)) {
                    check = c;
                    break;
                }
            }
            if (check == null) {
                throw new DtsException("FATAL ERROR: Unrecognized check name \"" + name + "\"");
            }
            if (enable) {
                levels.enable(check, !s.error(), s.error());
            } else {
                levels.disable(check, !s.error(), s.error());
            }
        }
        return levels;
    }

    boolean warn(Check c) {
        return warn.getOrDefault(c, false);
    }

    boolean error(Check c) {
        return error.getOrDefault(c, false);
    }

    boolean runs(Check c) {
        return warn(c) || error(c);
    }

    private void enable(Check c, boolean w, boolean e) {
        if ((w && !warn(c)) || (e && !error(c))) {
            for (Check p : c.prereqs()) {
                enable(p, w, e);
            }
        }
        warn.put(c, warn(c) || w);
        error.put(c, error(c) || e);
    }

    private void disable(Check c, boolean w, boolean e) {
        if ((w && warn(c)) || (e && error(c))) {
            for (Check user : Checks.TABLE) {
                if (user.prereqs().contains(c)) {
                    disable(user, w, e);
                }
            }
        }
        warn.put(c, warn(c) && !w);
        error.put(c, error(c) && !e);
    }
}
