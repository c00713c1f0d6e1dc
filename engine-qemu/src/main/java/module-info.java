/** The qemu engine: one QEMU process per domain, driven over QMP, console on a Unix socket. */
module org.domus.engine.qemu {
    requires transitive org.domus.engine;
    requires org.domus.fdt; // an enhanced domain's device tree is QEMU's own, edited
    requires com.fasterxml.jackson.core; // QMP is read and written with the streaming API only (see QmpValue)

    exports org.domus.engine.qemu;
    provides org.domus.engine.Engine with org.domus.engine.qemu.QemuEngine;
}
