/** What every module's tests share (test scope only): the end-to-end gate and tag, and waiting for a condition. */
module org.domus.testsupport {
    requires transitive org.junit.jupiter.api;

    exports org.domus.testsupport;
}
