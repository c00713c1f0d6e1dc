package org.domus.dom0less;

import org.domus.fdt.Fdt;

/** PLACEHOLDER until the reader and validator land: reads a system from a tree and finds every problem. */
public final class Validator {
    private Validator() {
    }

    /** Reads the system and validates it; problems (all of them, errors and warnings) are in the result. */
    public static SystemConfig load(Fdt fdt, ModuleSource modules, Host host) {
        throw new UnsupportedOperationException("not yet");
    }
}
