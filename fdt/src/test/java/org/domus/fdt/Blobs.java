package org.domus.fdt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a blob in a test, where a failure to read is a test failure, not a checked exception. */
final class Blobs {
    private Blobs() {
    }

    static Fdt read(Path dtb) {
        try {
            return read(Files.readAllBytes(dtb));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Fdt read(byte[] blob) {
        try {
            return Fdt.fromDtb(blob);
        } catch (FdtException e) {
            throw new AssertionError("blob does not read: " + e.getMessage(), e);
        }
    }
}
