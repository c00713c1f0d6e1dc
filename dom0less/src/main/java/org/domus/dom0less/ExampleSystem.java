package org.domus.dom0less;

import java.util.List;

/**
 * Device-tree source of a dom0less system whose domains all boot the same kernel and ramdisk, named by
 * {@code xen,uefi-binary} as files next to the tree (so {@code domus boot} needs no --module options): the demo's
 * system, and the systems of end-to-end tests and benchmarks.
 */
public final class ExampleSystem {
    /** One domain: its name, memory in MiB, vCPUs and kernel command line. */
    public record Domain(String name, int memoryMib, int cpus, String bootargs) {
    }

    private ExampleSystem() {
    }

    /**
     * @param comment     a C comment's text put at the top (may be empty)
     * @param kernelFile  the kernel's file name, relative to the tree's folder
     * @param ramdiskFile the ramdisk's file name, or null for none
     */
    public static String source(String comment, List<Domain> domains, String kernelFile, String ramdiskFile) {
        StringBuilder s = new StringBuilder();
        if (!comment.isEmpty()) {
            s.append("/*\n");
            comment.lines().forEach(l -> s.append(" * ").append(l).append('\n'));
            s.append(" */\n");
        }
        s.append("/dts-v1/;\n\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\n\tchosen {\n")
                .append("\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n");
        for (Domain d : domains) {
            s.append("""

                    \t\t%s {
                    \t\t\tcompatible = "xen,domain";
                    \t\t\tmemory = <0 0x%x>;\t/* KiB: %d MiB */
                    \t\t\tcpus = <%d>;
                    \t\t\tvpl011;

                    \t\t\tkernel {
                    \t\t\t\tcompatible = "multiboot,kernel", "multiboot,module";
                    \t\t\t\txen,uefi-binary = "%s";
                    \t\t\t\tbootargs = "%s";
                    \t\t\t};
                    """.formatted(d.name(), d.memoryMib() * 1024, d.memoryMib(), d.cpus(), kernelFile, d.bootargs()));
            if (ramdiskFile != null) {
                s.append("""

                        \t\t\tramdisk {
                        \t\t\t\tcompatible = "multiboot,ramdisk", "multiboot,module";
                        \t\t\t\txen,uefi-binary = "%s";
                        \t\t\t};
                        """.formatted(ramdiskFile));
            }
            s.append("\t\t};\n");
        }
        return s.append("\t};\n};\n").toString();
    }
}
