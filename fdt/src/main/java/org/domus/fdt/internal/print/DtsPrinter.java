package org.domus.fdt.internal.print;

import org.domus.fdt.Fdt;

/** PLACEHOLDER until the printer lands. */
public final class DtsPrinter {
    private DtsPrinter() {
    }

    public static String print(Fdt fdt) {
        throw new UnsupportedOperationException("not yet");
    }

    public static String printNode(org.domus.fdt.Node node) {
        throw new UnsupportedOperationException("not yet");
    }

    public static String printValue(org.domus.fdt.Property property) {
        throw new UnsupportedOperationException("not yet");
    }
}
