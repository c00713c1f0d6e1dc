/** The {@code domus} command. */
module org.domus.cli {
    requires org.domus.fdt;
    requires info.picocli;

    opens org.domus.cli to info.picocli;
}
