package org.domus.fdt.internal.source;

import java.nio.file.Path;
import java.util.List;

import org.domus.fdt.DtsException;

/** PLACEHOLDER until the DTS parser lands. */
public final class TreeSource {
    private TreeSource() {
    }

    public static DtInfo parse(Path file, List<Path> includeDirs) throws DtsException {
        throw new UnsupportedOperationException("not yet");
    }

    public static DtInfo parse(String text, String fileName, List<Path> includeDirs) throws DtsException {
        throw new UnsupportedOperationException("not yet");
    }
}
