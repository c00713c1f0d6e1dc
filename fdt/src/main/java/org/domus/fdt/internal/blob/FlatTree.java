package org.domus.fdt.internal.blob;

import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;

/** PLACEHOLDER until the blob reader/writer lands. */
public final class FlatTree {
    private FlatTree() {
    }

    public static Fdt read(byte[] blob) throws FdtException {
        throw new UnsupportedOperationException("not yet");
    }

    public static byte[] write(Fdt fdt) {
        throw new UnsupportedOperationException("not yet");
    }
}
