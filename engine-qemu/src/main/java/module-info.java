/** The qemu engine: one QEMU process per domain, driven over QMP, console on a Unix socket. */
module org.domus.engine.qemu {
    requires transitive org.domus.engine;
    requires transitive com.fasterxml.jackson.databind; // QmpClient answers with JsonNode

    exports org.domus.engine.qemu;
    provides org.domus.engine.Engine with org.domus.engine.qemu.QemuEngine;
}
