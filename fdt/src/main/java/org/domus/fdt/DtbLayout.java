package org.domus.fdt;

/**
 * How a blob is laid out, as dtc's output options set it; {@link #DEFAULT} is what {@code dtc -O dtb} writes.
 *
 * @param version           {@code -V}: 17 (default), 16, or the legacy 1, 2, 3 (full-path node names, "name"
 *                          properties, values of 8 bytes or more 8-byte aligned)
 * @param minSize           {@code -S}: pad the blob up to this many bytes (0: none)
 * @param padding           {@code -p}: add this many zero bytes after the strings (0: none)
 * @param align             {@code -a}: pad the blob to a multiple of this power of two (0: none)
 * @param extraReservations {@code -R}: empty reservation slots added after the tree's own, for a loader to fill
 */
public record DtbLayout(int version, int minSize, int padding, int align, int extraReservations) {
    public static final DtbLayout DEFAULT = new DtbLayout(17, 0, 0, 0, 0);

    public DtbLayout {
        if (version != 1 && version != 2 && version != 3 && version != 16 && version != 17) {
            throw new IllegalArgumentException("Unknown device tree blob version " + version);
        }
        if (minSize != 0 && padding != 0) {
            throw new IllegalArgumentException("Can't set both -p and -S");
        }
        if (align < 0 || (align != 0 && Integer.bitCount(align) != 1)) {
            throw new IllegalArgumentException("Invalid argument \"" + align + "\" to -a option");
        }
        if (minSize < 0 || padding < 0 || extraReservations < 0) {
            throw new IllegalArgumentException("negative size in blob layout");
        }
    }
}
