package org.domus.fdt.internal.print;

import org.domus.fdt.Fdt;

/** PLACEHOLDER until the printer lands. */
public final class DtsPrinter {
    private DtsPrinter() {
    }

    public static String print(Fdt fdt) {
        throw new UnsupportedOperationException("not yet");
    }
}
