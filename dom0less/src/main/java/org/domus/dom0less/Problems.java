package org.domus.dom0less;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every problem found while reading one system, in the order found; readers add, nobody throws. */
final class Problems {
    private final List<Problem> found = new ArrayList<>();
    private final Set<String> said = new HashSet<>();

    void error(String check, String path, String format, Object... args) {
        found.add(Problem.error(check, path, format, args));
    }

    void warning(String check, String path, String format, Object... args) {
        found.add(Problem.warning(check, path, format, args));
    }

    /** True the first time a key is seen: a fault shared by many nodes (an inherited #address-cells) is said once. */
    boolean first(String key) {
        return said.add(key);
    }

    List<Problem> list() {
        return List.copyOf(found);
    }
}
