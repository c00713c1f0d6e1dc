package org.domus.dom0less;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** PLACEHOLDER until module files land. */
public final class ModuleFiles implements ModuleSource {
    public static ModuleFiles of(List<String> entries, Path baseDir) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Optional<ModuleBytes> at(long address) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Optional<ModuleBytes> uefiBinary(String fileName) {
        throw new UnsupportedOperationException("not yet");
    }
}
