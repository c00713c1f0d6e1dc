/** Domains and their lifecycle on any engine: boot a plan in parallel, apply exit policies, multiplex consoles. */
module org.domus.hypervisor {
    requires transitive org.domus.dom0less;
    requires transitive org.domus.engine;
    requires org.jline.terminal;

    uses org.domus.engine.Engine;

    exports org.domus.hypervisor;
}
