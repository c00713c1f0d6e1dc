package org.domus.fdt;

/** A flattened blob that cannot be read: says what is wrong and at which byte offset of the blob. */
public final class DtbException extends FdtException {
    private final long offset;

    public DtbException(long offset, String what) {
        super("at byte offset 0x%x: %s".formatted(offset, what));
        this.offset = offset;
    }

    /** Byte offset into the blob where the problem was found. */
    public long offset() {
        return offset;
    }
}
