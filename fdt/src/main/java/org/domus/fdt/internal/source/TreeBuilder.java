package org.domus.fdt.internal.source;

import org.domus.fdt.DtsException;
import org.domus.fdt.Fdt;

/** PLACEHOLDER until the checks land. */
public final class TreeBuilder {
    private TreeBuilder() {
    }

    public static Fdt build(DtInfo info, boolean symbols) throws DtsException {
        throw new UnsupportedOperationException("not yet");
    }
}
