package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10,000-node tree prints as dtc prints it; a 5,000-deep chain prints without recursion trouble.
 * Print time is measured in bench/ (bench/run dt), not here.
 */
class PrinterScaleTest {
    private static final int BUSES = 100, DEVICES_PER_BUS = 99; // 1 + 100 + 9,900 = 10,001 nodes

    @Test
    void tenThousandNodesMatchDtc(@TempDir Path dir) throws IOException {
        StringBuilder dts = new StringBuilder("/dts-v1/;\n/memreserve/ 0x80000000 0x100000;\n/ {\n\tmodel = \"big\";\n");
        for (int b = 0; b < BUSES; b++) {
            dts.append("\tbus@").append(Integer.toHexString(b << 20)).append(" {\n")
                    .append("\t\tcompatible = \"vendor,bus\", \"simple-bus\";\n\t\t#address-cells = <1>;\n")
                    .append("\t\t#size-cells = <1>;\n\t\tranges;\n");
            for (int d = 0; d < DEVICES_PER_BUS; d++) {
                dts.append("\t\tdev@").append(Integer.toHexString(d << 8)).append(" {\n")
                        .append("\t\t\treg = <").append(d << 8).append(" 0x100>;\n")
                        .append("\t\t\tmac = [00 11 22 33 44 ").append(String.format("%02x", d)).append("];\n")
                        .append("\t\t\tlabel = \"dev").append(d).append("\\n\";\n")
                        .append("\t\t\tstatus = \"okay\";\n\t\t};\n");
            }
            dts.append("\t};\n");
        }
        Files.writeString(dir.resolve("big.dts"), dts.append("};\n"));
        Dtc.Run blob = Dtc.compile(dir.resolve("big.dts"));
        assertThat(blob.ok()).as(blob.stderr()).isTrue();
        Files.write(dir.resolve("big.dtb"), blob.stdout());
        Dtc.Run golden = Dtc.decompile(dir.resolve("big.dtb"));
        // TODO: Fdt.fromDtb once the real reader lands.
        Fdt fdt = PrintTestBlobs.read(dir.resolve("big.dtb"));
        assertThat(fdt.toDts()).isEqualTo(new String(golden.stdout(), StandardCharsets.UTF_8));
    }

    @Test
    void deepChainDoesNotRecurse() {
        Node n = new Node("leaf", List.of(Property.ofCells("v", 1)), List.of());
        for (int i = 0; i < 5000; i++) {
            n = new Node("n" + i, List.of(), List.of(n));
        }
        String s = new Fdt(new ArrayList<>(), 0, new Node("", List.of(), List.of(n))).toDts();
        int at = s.indexOf("v = <0x01>;\n");
        int lineStart = s.lastIndexOf('\n', at) + 1;
        String indent = s.substring(lineStart, at);
        // root at depth 0, n4999..n0 at 1..5000, the leaf at 5001: its property is indented 5002 tabs
        assertThat(indent.length()).isEqualTo(5002);
        assertThat(indent.chars().allMatch(c -> c == '\t')).isTrue();
        assertThat(s.substring(s.length() - 7)).isEqualTo("\t};\n};\n");
    }
}
