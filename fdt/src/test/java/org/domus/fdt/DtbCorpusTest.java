package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every blob in the corpus was written by dtc 1.6.1: we must read it as dtc does and write it back byte for byte. */
class DtbCorpusTest {

    /** Every {@code .dtb} of {@code dtc-tests/} and {@code linux/}. */
    static List<Path> corpusBlobs() {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("dtc-tests", "linux")) {
            try (Stream<Path> s = Files.list(TestCorpus.root().resolve(dir))) {
                s.filter(f -> f.toString().endsWith(".dtb")).sorted().forEach(all::add);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return all;
    }

    @Test
    void corpusIsThere() {
        assertThat(corpusBlobs()).hasSizeGreaterThan(100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusBlobs")
    void writeOfReadIsTheSameBlob(Path dtb) throws Exception {
        byte[] blob = Files.readAllBytes(dtb);
        Fdt fdt = Fdt.fromDtb(blob);
        assertThat(fdt.toDtb()).isEqualTo(blob);
    }

    /** dtc's own decompilation ({@code NAME.roundtrip.dts}) lists the same reservations, nodes and property values. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusBlobs")
    void treeMatchesDtcDecompilation(Path dtb) throws Exception {
        Path dts = TestCorpus.sibling(dtb, ".roundtrip.dts");
        if (!Files.exists(dts)) {
            // fixup-ref-to-path: dtc 1.6.1 cannot decompile it, so there is nothing to compare with.
            assertThat(dtb.getFileName().toString()).isEqualTo("fixup-ref-to-path.dtb");
            return;
        }
        Fdt fdt = Fdt.fromDtb(Files.readAllBytes(dtb));
        List<String> dtcSays = listDecompiled(Files.readString(dts, StandardCharsets.ISO_8859_1));
        assertThat(listTree(fdt)).containsExactlyElementsOf(dtcSays);
    }

    /** One line per reservation, node and property, in tree order; values in hex. */
    static List<String> listTree(Fdt fdt) {
        List<String> out = new ArrayList<>();
        for (ReserveEntry r : fdt.reservations()) {
            out.add("/memreserve/ %x %x".formatted(r.address(), r.size()));
        }
        record Visit(String path, Node node) {
        }
        Deque<Visit> todo = new ArrayDeque<>();
        todo.push(new Visit("/", fdt.root()));
        while (!todo.isEmpty()) {
            Visit v = todo.pop();
            out.add("node " + v.path());
            for (Property p : v.node().properties()) {
                out.add("prop %s %s = %s".formatted(v.path(), p.name(), HexFormat.of().formatHex(p.value())));
            }
            List<Node> children = v.node().children();
            for (int i = children.size() - 1; i >= 0; i--) {
                String base = v.path().equals("/") ? "/" : v.path() + "/";
                todo.push(new Visit(base + children.get(i).name(), children.get(i)));
            }
        }
        return out;
    }

    /**
     * The same listing from {@code dtc -I dtb -O dts} output. From a blob dtc prints each value as a single
     * string, cell list or byte list, one property per line.
     */
    static List<String> listDecompiled(String dts) {
        List<String> out = new ArrayList<>();
        Deque<String> path = new ArrayDeque<>();
        for (String line : dts.lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.equals("/dts-v1/;")) {
                continue;
            }
            if (line.startsWith("/memreserve/")) {
                String[] f = line.substring("/memreserve/".length(), line.length() - 1).strip().split("\\s+");
                out.add("/memreserve/ %x %x".formatted(Long.parseUnsignedLong(f[0].substring(2), 16),
                        Long.parseUnsignedLong(f[1].substring(2), 16)));
            } else if (line.endsWith(" {")) {
                String name = line.substring(0, line.length() - 2);
                String p = path.isEmpty() ? "/" : (path.peek().equals("/") ? "/" : path.peek() + "/") + name;
                path.push(p);
                out.add("node " + p);
            } else if (line.equals("};")) {
                path.pop();
            } else {
                String body = line.substring(0, line.length() - 1);
                int eq = body.indexOf(" = ");
                String name = eq < 0 ? body : body.substring(0, eq);
                byte[] value = eq < 0 ? new byte[0] : value(body.substring(eq + 3));
                out.add("prop %s %s = %s".formatted(path.peek(), name, HexFormat.of().formatHex(value)));
            }
        }
        return out;
    }

    private static byte[] value(String v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (v.startsWith("<")) {
            for (String cell : v.substring(1, v.length() - 1).split(" ")) {
                long c = Long.parseLong(cell.substring(2), 16);
                out.writeBytes(new byte[] {(byte) (c >> 24), (byte) (c >> 16), (byte) (c >> 8), (byte) c});
            }
        } else if (v.startsWith("[")) {
            out.writeBytes(HexFormat.of().parseHex(v.substring(1, v.length() - 1).replace(" ", "")));
        } else if (v.startsWith("\"") && v.endsWith("\"")) {
            String s = v.substring(1, v.length() - 1);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                char e = s.charAt(++i);
                switch (e) {
                    case 'a' -> out.write(7);
                    case 'b' -> out.write(8);
                    case 't' -> out.write('\t');
                    case 'n' -> out.write('\n');
                    case 'v' -> out.write(11);
                    case 'f' -> out.write('\f');
                    case 'r' -> out.write('\r');
                    case '0' -> out.write(0);
                    case 'x' -> {
                        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> out.write(e);
                }
            }
            out.write(0);
        } else {
            throw new IllegalArgumentException("unexpected value in dtc output: " + v);
        }
        return out.toByteArray();
    }
}
