package org.domus.dom0less;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every problem found while reading one system, in the order found; readers add, nobody throws. */
final class Problems {
    private final List<Problem> found = new ArrayList<>();
    private final Set<String> said = new HashSet<>();

    /** Reports {@code rule} broken at {@code path}; the rule says whether that is an error or a warning. */
    void add(Rule rule, String path, String format, Object... args) {
        found.add(Problem.of(rule, path, format, args));
    }

    /** True the first time a key is seen: a fault shared by many nodes (an inherited #address-cells) is said once. */
    boolean first(String key) {
        return said.add(key);
    }

    List<Problem> list() {
        return List.copyOf(found);
    }
}
