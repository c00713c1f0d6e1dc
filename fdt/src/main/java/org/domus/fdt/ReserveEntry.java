package org.domus.fdt;

/** One entry of the memory-reservation block: a physical range the OS must not use. */
public record ReserveEntry(long address, long size) {
}
