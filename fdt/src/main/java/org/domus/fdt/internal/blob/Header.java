package org.domus.fdt.internal.blob;

import static org.domus.fdt.internal.blob.Format.*;

import org.domus.fdt.DtbException;
import org.domus.fdt.Fdt;

/**
 * A validated FDT header: every block it names lies inside {@code totalsize}, after the header, and the
 * blob really has {@code totalsize} bytes. Offsets are ints because a blob is a Java array.
 *
 * @param version         the blob's version; 1 to 3 use the legacy structure layout
 * @param bootCpuid       {@code boot_cpuid_phys}, 0 in version 1 headers, which lack it
 * @param totalSize       bytes of the blob that belong to the tree; anything after is ignored, as dtc does
 * @param structEnd       from {@code size_dt_struct} in v17; older headers lack it, so the structure block
 *                        ends where the next block starts, or at {@code totalsize}
 * @param stringsEnd      from {@code size_dt_strings} (v3 and later), else {@code totalsize}
 */
record Header(long version, int bootCpuid, int totalSize, int memRsvStart,
              int structStart, int structEnd, int stringsStart, int stringsEnd) {

    /** Versions before 16 name nodes by full path and 8-byte align property values of 8 bytes or more. */
    boolean legacy() {
        return version < 16;
    }

    static Header parse(byte[] blob) throws DtbException {
        if (blob.length >= 4 && Format.u32(blob, MAGIC_AT) != (Fdt.MAGIC & 0xffffffffL)) {
            throw new DtbException(MAGIC_AT, "bad magic 0x%08x, expected 0x%08x"
                    .formatted(Format.u32(blob, MAGIC_AT), Fdt.MAGIC));
        }
        if (blob.length < V1_HEADER_SIZE) {
            throw new DtbException(0, "blob is %d bytes, too short for an FDT header".formatted(blob.length));
        }
        long version = Format.u32(blob, VERSION_AT);
        long lastComp = Format.u32(blob, LAST_COMP_VERSION_AT);
        if (version == 0 || (version > 3 && version < 16)) {
            throw new DtbException(VERSION_AT, "unsupported version %d (readable: 1 to 3, 16, 17 and later versions compatible with 17)"
                    .formatted(version));
        }
        if (lastComp > version) {
            throw new DtbException(LAST_COMP_VERSION_AT, "last_comp_version %d is newer than version %d"
                    .formatted(lastComp, version));
        }
        if (lastComp > 17) {
            throw new DtbException(LAST_COMP_VERSION_AT, "last_comp_version %d: version %d is not compatible with version 17"
                    .formatted(lastComp, version));
        }
        int headerSize = Format.headerSize(version);
        if (blob.length < headerSize) {
            throw new DtbException(0, "blob is %d bytes, too short for a version %d header (%d bytes)"
                    .formatted(blob.length, version, headerSize));
        }

        long total = Format.u32(blob, TOTALSIZE_AT);
        if (total < headerSize) {
            throw new DtbException(TOTALSIZE_AT, "totalsize 0x%x is smaller than the %d-byte header".formatted(total, headerSize));
        }
        if (total > blob.length) {
            throw new DtbException(TOTALSIZE_AT, "totalsize 0x%x exceeds the blob length 0x%x".formatted(total, blob.length));
        }

        long memRsv = blockStart(blob, OFF_MEM_RSVMAP_AT, "memory reservation block", headerSize, total, 8);
        long struct = blockStart(blob, OFF_DT_STRUCT_AT, "structure block", headerSize, total, 4);
        long strings = blockStart(blob, OFF_DT_STRINGS_AT, "strings block", headerSize, total, 1);

        long stringsEnd = version >= 3
                ? blockEnd(blob, strings, SIZE_DT_STRINGS_AT, "strings block", total)
                : total;
        long structEnd;
        if (version >= 17) {
            structEnd = blockEnd(blob, struct, SIZE_DT_STRUCT_AT, "structure block", total);
        } else {
            structEnd = total;
            for (long next : new long[] {memRsv, strings}) {
                if (next > struct && next < structEnd) {
                    structEnd = next;
                }
            }
        }
        int bootCpuid = version >= 2 ? (int) Format.u32(blob, BOOT_CPUID_PHYS_AT) : 0;
        return new Header(version, bootCpuid, (int) total, (int) memRsv, (int) struct, (int) structEnd,
                (int) strings, (int) stringsEnd);
    }

    private static long blockStart(byte[] blob, int field, String block, int headerSize, long total, int align)
            throws DtbException {
        long off = Format.u32(blob, field);
        if (off < headerSize) {
            throw new DtbException(field, "%s offset 0x%x overlaps the %d-byte header".formatted(block, off, headerSize));
        }
        if (off > total) {
            throw new DtbException(field, "%s offset 0x%x is beyond totalsize 0x%x".formatted(block, off, total));
        }
        if (off % align != 0) {
            throw new DtbException(field, "%s offset 0x%x is not %d-byte aligned".formatted(block, off, align));
        }
        return off;
    }

    private static long blockEnd(byte[] blob, long start, int field, String block, long total) throws DtbException {
        long size = Format.u32(blob, field);
        if (start + size > total) {
            throw new DtbException(field, "%s of 0x%x bytes at offset 0x%x extends past totalsize 0x%x"
                    .formatted(block, size, start, total));
        }
        return start + size;
    }
}
