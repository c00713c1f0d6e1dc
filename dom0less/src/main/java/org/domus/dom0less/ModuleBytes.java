package org.domus.dom0less;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes supplied for a boot module and where they came from ({@code origin}: a file path, or
 * "board memory" with the file that U-Boot loaded there), so that messages can name both.
 *
 * <p>The content is a read-only {@link MemorySegment}: a file is mapped, not read, so a 30 MiB kernel costs
 * the planner only the pages its header probe touches; board memory hands out a slice of itself. Every read
 * is bounds-checked by the segment.
 *
 * @param content the module's bytes, exactly as large as the module
 * @param file    the file whose whole content these bytes are, or null (board memory): an engine can then load
 *                the file itself instead of a copy
 */
public record ModuleBytes(String origin, MemorySegment content, Path file) {
    public ModuleBytes {
        content = content.asReadOnly();
    }

    /** Bytes with no file behind them. */
    public ModuleBytes(String origin, byte[] bytes) {
        this(origin, MemorySegment.ofArray(bytes), null);
    }

    public long size() {
        return content.byteSize();
    }

    /**
     * The file behind these bytes, for an engine to load by path, once it is checked to be as large as when it was
     * mapped: a file rebuilt or cut short between planning and booting would otherwise boot unchecked bytes.
     *
     * @throws IOException naming the file and both sizes when it changed, or when it can no longer be read
     */
    public Path unchangedFile() throws IOException {
        long now = Files.size(file);
        if (now != size()) {
            throw new IOException("%s changed on disk since it was checked (%d bytes then, %d now): plan it again"
                    .formatted(file, size(), now));
        }
        return file;
    }

    /** A copy of the bytes on the heap (tests, and the rare small module that is needed whole). */
    public byte[] toArray() {
        return content.toArray(ValueLayout.JAVA_BYTE);
    }
}
