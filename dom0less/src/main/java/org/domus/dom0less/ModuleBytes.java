package org.domus.dom0less;

/**
 * The bytes supplied for a boot module and where they came from ({@code origin}: a file path, or
 * "board memory" with the file that U-Boot loaded there), so that messages can name both.
 */
public record ModuleBytes(String origin, byte[] bytes) {
    public long size() {
        return bytes.length;
    }
}
