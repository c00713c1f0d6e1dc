/**
 * The Xen guest ABI, engine-neutral: every hypercall a Linux guest makes, per-domain Xen state over the guest's
 * own RAM, event channels within and between domains, the PV console and xenstore rings as byte streams.
 */
module org.domus.xen {
    requires transitive org.domus.engine;
    requires org.domus.fdt;

    exports org.domus.xen;
}
