package org.domus.fdt.internal.source;

/**
 * A mark at a byte offset of a property value, as in dtc's {@code struct marker}: a phandle or path
 * reference still to be resolved, or a label inside a value.
 */
public record Marker(int offset, Kind kind, String ref) {
    public enum Kind {
        /** 4 bytes at {@code offset} receive the phandle of the node {@code ref} names. */
        REF_PHANDLE,
        /** the full path of the node {@code ref} names, NUL-terminated, is inserted at {@code offset}. */
        REF_PATH,
        /** a label named {@code ref} points at {@code offset} of the value. */
        LABEL
    }
}
