package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.domus.fdt.internal.source.DtInfo;
import org.domus.fdt.internal.source.LiveNode;
import org.domus.fdt.internal.source.TreeSource;
import org.junit.jupiter.api.Test;

/**
 * Parsing is linear in the size of the source: a 10,000-node tree parses in tens of milliseconds once the
 * JIT has warmed up, and doubling the input about doubles the time. The bounds asserted are loose (shared
 * CI machines); the times measured are printed.
 */
class DtsParsePerformanceTest {
    /** 100 nodes of 100 nodes, each with a few properties, labels, references and an override at the end. */
    static byte[] tree(int fanout) {
        StringBuilder sb = new StringBuilder(fanout * fanout * 160);
        sb.append("/dts-v1/;\n/memreserve/ 0x80000000 0x10000;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n");
        for (int i = 0; i < fanout; i++) {
            sb.append("\tbus").append(i).append(": bus@").append(Integer.toHexString(i << 20)).append(" {\n");
            sb.append("\t\tcompatible = \"simple-bus\";\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n");
            for (int j = 0; j < fanout; j++) {
                sb.append("\t\tdev").append(i).append('_').append(j).append(": device@").append(Integer.toHexString(j << 8))
                        .append(" {\n\t\t\tcompatible = \"vendor,device\", \"generic\";\n\t\t\treg = <0x")
                        .append(Integer.toHexString(j << 8)).append(" 0x100>;\n\t\t\tinterrupts = <0 ").append(j)
                        .append(" 4>;\n\t\t\tclocks = <&bus").append(i).append(">;\n\t\t\tmask = <(1 << ").append(j % 32)
                        .append(")>;\n\t\t\tdata = [01 02 03 04];\n\t\t};\n");
            }
            sb.append("\t};\n");
        }
        sb.append("};\n");
        for (int i = 0; i < fanout; i++) {
            sb.append("&dev").append(i).append("_0 {\n\tstatus = \"okay\";\n};\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static long count(LiveNode n) {
        long c = 1;
        for (LiveNode k : n.children) {
            c += count(k);
        }
        return c;
    }

    /** The fastest of {@code runs} parses: the least disturbed by GC and JIT activity. */
    static double bestMillis(byte[] source, int runs) throws DtsException {
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            TreeSource.parse(source, "perf.dts", List.of());
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[0];
    }

    @Test
    void tenThousandNodesInTensOfMilliseconds() throws Exception {
        byte[] source = tree(100);
        DtInfo info = TreeSource.parse(source, "perf.dts", List.of());
        assertThat(count(info.root)).isEqualTo(1 + 100 + 100 * 100);
        for (int i = 0; i < 30; i++) {
            TreeSource.parse(source, "perf.dts", List.of());
        }
        double ms = bestMillis(source, 15);
        System.out.printf("DtsParsePerformanceTest: %d nodes, %d KiB of source: %.1f ms%n", 10101, source.length / 1024, ms);
        assertThat(ms).isLessThan(250);
    }

    @Test
    void timeGrowsLinearly() throws Exception {
        byte[] small = tree(60);
        byte[] large = tree(120);
        for (int i = 0; i < 20; i++) {
            TreeSource.parse(small, "perf.dts", List.of());
            TreeSource.parse(large, "perf.dts", List.of());
        }
        double ts = bestMillis(small, 21);
        double tl = bestMillis(large, 21);
        System.out.printf("DtsParsePerformanceTest: %d bytes %.1f ms, %d bytes %.1f ms%n", small.length, ts, large.length, tl);
        // four times the input: linear is about 4x, quadratic would be 16x
        assertThat(tl).isLessThan(Math.max(ts, 1.0) * 8);
    }
}
