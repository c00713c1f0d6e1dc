package org.domus.bench;

/**
 * A board-like device tree of about {@code nodes} nodes: buses of 100 devices, each device with a
 * label, compatible strings, reg, interrupts, a phandle reference to a clock and a status string, so
 * that labels, references, phandle assignment and the string table are all exercised.
 */
final class TreeGenerator {
    private static final int PER_BUS = 100;

    private TreeGenerator() {
    }

    static String generate(int nodes) {
        int buses = Math.max(1, nodes / (PER_BUS + 1));
        StringBuilder s = new StringBuilder(nodes * 220);
        s.append("/dts-v1/;\n\n/memreserve/ 0x80000000 0x10000;\n\n/ {\n")
                .append("\tcompatible = \"domus,bench\";\n\tinterrupt-parent = <&gic>;\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\n")
                .append("\tgic: interrupt-controller {\n\t\tinterrupt-controller;\n\t\t#interrupt-cells = <3>;\n\t\t#address-cells = <0>;\n\t};\n\n")
                .append("\tclk: clock {\n\t\tcompatible = \"fixed-clock\";\n\t\t#clock-cells = <1>;\n\t};\n\n");
        for (int b = 0; b < buses; b++) {
            s.append("\tbus@").append(Integer.toHexString(0x10000000 + b * 0x100000)).append(" {\n")
                    .append("\t\tcompatible = \"simple-bus\";\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n")
                    .append("\t\tranges;\n\n");
            for (int d = 0; d < PER_BUS; d++) {
                int addr = 0x10000000 + b * 0x100000 + d * 0x1000;
                s.append("\t\tdev").append(b).append('_').append(d).append(": device@").append(Integer.toHexString(addr)).append(" {\n")
                        .append("\t\t\tcompatible = \"vendor,device-").append(d % 17).append("\", \"vendor,generic\";\n")
                        .append("\t\t\treg = <0x").append(Integer.toHexString(addr)).append(" 0x1000>;\n")
                        .append("\t\t\tinterrupts = <0 ").append((b * PER_BUS + d) % 987).append(" (4 | 0)>;\n")
                        .append("\t\t\tclocks = <&clk ").append(d).append(">;\n")
                        .append("\t\t\tstatus = \"").append(d % 3 == 0 ? "disabled" : "okay").append("\";\n");
                if (d % 10 == 1) {
                    s.append("\t\t\tnext = <&dev").append(b).append('_').append(d - 1).append(">;\n");
                }
                s.append("\t\t};\n");
            }
            s.append("\t};\n");
        }
        return s.append("};\n").toString();
    }
}
