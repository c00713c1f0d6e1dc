/**
 * Domains and their lifecycle on any engine: boot a plan in parallel, apply exit policies, multiplex consoles, pin
 * vCPUs, serve the toolstack's control socket, and keep each system's xenstored in step with its domains.
 */
module org.domus.hypervisor {
    requires transitive org.domus.dom0less;
    requires transitive org.domus.engine;
    requires org.domus.xenstore;
    requires org.jline.terminal;
    requires transitive com.fasterxml.jackson.databind; // ControlClient takes and gives JSON requests

    uses org.domus.engine.Engine;

    exports org.domus.hypervisor;
    // the control protocol's records are read and written by Jackson
    opens org.domus.hypervisor to com.fasterxml.jackson.databind;
}
