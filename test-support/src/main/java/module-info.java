/**
 * What every module's tests share (test scope only): the end-to-end gate and tag, waiting for a condition, Debian's
 * tools, and the device-tree source of test systems (TestTree, DomainNode, the seed's example).
 */
module org.domus.testsupport {
    requires transitive org.junit.jupiter.api;

    exports org.domus.testsupport;
}
