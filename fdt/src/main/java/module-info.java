/** Flattened device trees: DTB read/write (FDT v17) and DTS source, byte-compatible with dtc 1.6. */
module org.domus.fdt {
    exports org.domus.fdt;
}
