package org.domus.dom0less;

import java.nio.file.Path;

/**
 * The bytes supplied for a boot module and where they came from ({@code origin}: a file path, or
 * "board memory" with the file that U-Boot loaded there), so that messages can name both.
 *
 * @param file the file whose whole content these bytes are, or null (board memory): an engine can then load
 *             the file itself instead of a copy
 */
public record ModuleBytes(String origin, byte[] bytes, Path file) {
    /** Bytes with no file behind them. */
    public ModuleBytes(String origin, byte[] bytes) {
        this(origin, bytes, null);
    }

    public long size() {
        return bytes.length;
    }
}
