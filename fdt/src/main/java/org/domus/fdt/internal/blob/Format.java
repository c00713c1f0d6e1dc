package org.domus.fdt.internal.blob;

/** Constants of the flattened device-tree format (libfdt's fdt.h), shared by the reader and the writer. */
final class Format {
    private Format() {
    }

    // Structure-block tokens.
    static final int FDT_BEGIN_NODE = 0x1;
    static final int FDT_END_NODE = 0x2;
    static final int FDT_PROP = 0x3;
    static final int FDT_NOP = 0x4;
    static final int FDT_END = 0x9;

    // Byte offsets of the header fields.
    static final int MAGIC_AT = 0;
    static final int TOTALSIZE_AT = 4;
    static final int OFF_DT_STRUCT_AT = 8;
    static final int OFF_DT_STRINGS_AT = 12;
    static final int OFF_MEM_RSVMAP_AT = 16;
    static final int VERSION_AT = 20;
    static final int LAST_COMP_VERSION_AT = 24;
    static final int BOOT_CPUID_PHYS_AT = 28;
    static final int SIZE_DT_STRINGS_AT = 32;
    static final int SIZE_DT_STRUCT_AT = 36;

    /** Version 1 header: magic up to last_comp_version; enough to learn the version. */
    static final int V1_HEADER_SIZE = 28;
    static final int V17_HEADER_SIZE = 40;

    /** One reservation entry: 64-bit address and 64-bit size. */
    static final int RESERVE_ENTRY_SIZE = 16;

    /** What {@code dtc -O dtb} writes by default. */
    static final int WRITE_VERSION = 17;
    static final int WRITE_LAST_COMP_VERSION = 16;

    /** Header size of each readable version (versions 4 to 15 never existed). */
    static int headerSize(long version) {
        if (version == 1) {
            return V1_HEADER_SIZE;
        } else if (version == 2) {
            return 32;
        } else if (version == 3 || version == 16) {
            return 36;
        }
        return V17_HEADER_SIZE;
    }

    static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
