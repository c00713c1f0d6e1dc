package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module is at most 2 GiB (to be exact, the largest array a JVM allocates: its probes view it through ByteBuffers):
 * a larger file is refused by name before it is mapped.
 */
class ModuleSizeLimitTest {
    private static final long LIMIT = Integer.MAX_VALUE - 16;

    @Test
    void aModuleLargerThan2GibIsRefusedByNameAndTheLargestIsTaken(@TempDir Path dir) throws Exception {
        // sparse files: their size is what counts, and they take no disk
        Path over = sparse(dir.resolve("huge"), LIMIT + 1);
        Path at = sparse(dir.resolve("largest"), LIMIT);
        String arg = "0x80000=" + over;
        assertThatThrownBy(() -> ModuleFiles.of(List.of(arg), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--module " + arg + ": ").hasMessageEndingWith(": larger than a module can be (2 GiB)");
        ModuleFiles files = ModuleFiles.of(List.of("0x80000=" + at), null);
        assertThat(files.at(0x80000).orElseThrow().size()).isEqualTo(LIMIT);
    }

    private static Path sparse(Path file, long size) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }
}
