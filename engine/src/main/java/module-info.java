/** The engine interface: everything above it is engine-agnostic. */
module org.domus.engine {
    requires transitive org.domus.image; // a DomainSpec carries its kernel as probed, and its Arch

    uses org.domus.engine.Engine;

    exports org.domus.engine;
    exports org.domus.engine.xen;
}
