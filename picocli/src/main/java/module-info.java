/** picocli, the same release as on Maven Central, compiled for Java 25 (see this module's pom.xml for why). */
module info.picocli {
    requires static java.sql; // picocli converts java.sql.Time and Timestamp options when java.sql is present

    exports picocli;
}
