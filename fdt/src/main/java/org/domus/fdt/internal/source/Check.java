package org.domus.fdt.internal.source;

import java.util.List;

/**
 * One of dtc's checks: a name (as dtc prints it), a level, the checks that must pass before it runs, and a
 * function applied to every live node in tree order. Some checks are fixups that change the tree.
 */
record Check(String name, Level level, List<Check> prereqs, NodeFn fn, String onlyWith) {
    /** How a failure is reported; {@link #OFF} checks run only when they are a prerequisite. */
    enum Level { ERROR, WARNING, OFF }

    /** The per-node body of a check; failures go through {@link CheckContext#fail}. */
    @FunctionalInterface
    interface NodeFn {
        void apply(CheckContext ctx, LiveNode node);
    }

    Check {
        prereqs = List.copyOf(prereqs);
    }

    /** The same check, skipped when no node has property {@code name}. */
    Check onlyWith(String name) {
        return new Check(this.name, level, prereqs, fn, name);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
