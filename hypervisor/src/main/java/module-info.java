/**
 * Domains and their lifecycle on any engine: boot a plan in parallel, apply exit policies, multiplex consoles, pin
 * vCPUs, serve the toolstack's control socket, and keep each system's xenstored in step with its domains.
 */
module org.domus.hypervisor {
    requires transitive org.domus.dom0less;
    requires transitive org.domus.engine;
    requires org.domus.xenstore;
    requires org.domus.xen;
    requires org.jline.terminal;
    requires com.fasterxml.jackson.core; // the control protocol, streaming API only (see ControlCodec)

    uses org.domus.engine.Engine;

    exports org.domus.hypervisor;
}
