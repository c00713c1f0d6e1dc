/** Benchmarks that print a table; see bench/run. */
module org.domus.bench {
    requires org.domus.fdt;
    requires org.domus.engine;
    requires org.domus.payload;
    requires org.domus.dom0less;
    requires org.domus.xenstore;
    requires org.domus.engine.qemu;
}
