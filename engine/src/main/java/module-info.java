/** The engine interface: everything above it is engine-agnostic. */
module org.domus.engine {
    uses org.domus.engine.Engine;

    exports org.domus.engine;
    exports org.domus.engine.payload;
    exports org.domus.engine.xen;
}
