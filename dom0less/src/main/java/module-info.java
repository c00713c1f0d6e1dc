/** The dom0less system model: domains read from a device tree (Xen's booting.txt), validated, planned. */
module org.domus.dom0less {
    requires transitive org.domus.fdt;
    requires transitive org.domus.image; // modules are probed there; plans carry its ImageInfo and Arch

    exports org.domus.dom0less;
}
