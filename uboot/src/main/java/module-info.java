/** U-Boot replay: the boot scripts dom0less users already have, run against a model of the board's memory. */
module org.domus.uboot {
    requires transitive org.domus.dom0less;
    requires org.domus.image; // uImage codes
    requires org.apache.commons.net;

    exports org.domus.uboot;
}
