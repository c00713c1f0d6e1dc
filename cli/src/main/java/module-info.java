/** The {@code domus} command. */
module org.domus.cli {
    requires org.domus.fdt;
    requires org.domus.dom0less;
    requires org.domus.uboot;
    requires org.domus.hypervisor;
    requires org.domus.payload;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
}
