package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trees built with the API, written by us and by dtc 1.6.1 from equivalent source: the blobs must be
 * identical. The source is made here at test time, one value as a byte list per property, so dtc sees
 * exactly our bytes. dtc runs with -f: some trees below (a "name" property that is not the node name,
 * "linux,phandle" without a matching "phandle") fail its checks, yet it still writes them faithfully.
 */
class DtbWriterTest {

    // ---- fixed trees ----

    @Test
    void emptyTree(@TempDir Path dir) {
        assertSameAsDtc(dir, fdt(node("")));
    }

    @Test
    void emptyProperties(@TempDir Path dir) {
        assertSameAsDtc(dir, fdt(node("", List.of(Property.empty("ranges"), Property.empty("dma-coherent")),
                node("bus", List.of(Property.empty("ranges"))))));
    }

    /** Names that end in an earlier name, in both orders: the strings block shares tails exactly as dtc's does. */
    @Test
    void namesSharingTails(@TempDir Path dir) {
        List<Property> first = props("device-name", "name", "me", "linux,phandle", "phandle", "handle", "e");
        List<Property> second = props("status", "us", "okay-status", "compatible", "patible", "name", "phandle");
        List<Property> third = props("#size-cells", "size-cells", "#address-cells", "cells", "s", "a");
        Fdt fdt = fdt(node("", first, node("x", second), node("y@1", third)));
        byte[] blob = assertSameAsDtc(dir, fdt);
        // Spot-check the sharing itself: "name" is the tail of "device-name", at offset 7.
        assertThat(nameOffsets(blob).get("name")).isEqualTo(7);
        assertThat(nameOffsets(blob).get("phandle")).isEqualTo("device-name\0".length() + "linux,".length());
    }

    @Test
    void manyReservations(@TempDir Path dir) {
        List<ReserveEntry> rsv = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rsv.add(new ReserveEntry(0x8000_0000_0000_0000L + i * 0x10_0000L, i + 1));
        }
        rsv.add(new ReserveEntry(-1L, -1L));
        assertSameAsDtc(dir, new Fdt(rsv, 0, node("", props("model"))));
    }

    @Test
    void bootCpuid(@TempDir Path dir) throws Exception {
        for (int cpu : new int[] {1, 0x12345678, -1}) {
            byte[] ours = assertSameAsDtc(dir, new Fdt(List.of(), cpu, node("", props("model"))));
            assertThat(Fdt.fromDtb(ours).bootCpuid()).isEqualTo(cpu);
        }
    }

    @Test
    void aDom0lessTree(@TempDir Path dir) {
        Node domU = new Node("domU1", List.of(
                Property.ofString("compatible", "xen,domain"),
                Property.ofCells("#address-cells", 2),
                Property.ofCells("#size-cells", 2),
                Property.ofCells("memory", 0, 0x80000),
                Property.ofCells("cpus", 1),
                Property.empty("vpl011")), List.of(
                new Node("module@4a000000", List.of(
                        Property.ofString("compatible", "multiboot,kernel", "multiboot,module"),
                        Property.ofCells("reg", 0, 0x4a000000, 0, 0xffffff),
                        Property.ofString("bootargs", "console=ttyAMA0 \"quoted\"\n")), List.of())));
        Node chosen = new Node("chosen", List.of(Property.ofString("xen,xen-bootargs", "dom0less")), List.of(domU));
        assertSameAsDtc(dir, new Fdt(List.of(new ReserveEntry(0x4000_0000L, 0x10_0000L)), 0, node("", props("model"), chosen)));
    }

    @Test
    void namesABlobCannotHoldAreRejected() {
        assertThatThrownBy(() -> fdt(node("", props("a\0b"))).toDtb()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property name \"a\0b\" cannot be stored in a DTB: char U+0000 at index 1");
        assertThatThrownBy(() -> fdt(node("", node("caf\u20ac"))).toDtb()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("char U+20AC at index 3");
    }

    @Test
    void namesAreBytesOneCharEach() throws Exception {
        Fdt fdt = fdt(node("", props("caf\u00e9"), node("\u00ff\u0001")));
        assertThat(Fdt.fromDtb(fdt.toDtb())).isEqualTo(fdt);
        assertThat(new String(fdt.toDtb(), StandardCharsets.ISO_8859_1)).contains("caf\u00e9\0", "\u00ff\u0001\0");
    }

    /** dtc's search is quadratic in the table size; ours must not be (about 2 MB of table here). */
    @Test
    @Timeout(10)
    void stringsBlockScales() throws Exception {
        List<Property> props = new ArrayList<>();
        props.add(Property.empty("x".repeat(200_000)));
        for (int i = 0; i < 60_000; i++) {
            props.add(Property.empty("property-name-number-" + i));
        }
        for (int i = 0; i < 60_000; i++) {
            props.add(Property.empty("name-number-" + i)); // tails of the names above
        }
        byte[] blob = fdt(node("", props)).toDtb();
        assertThat(Fdt.fromDtb(blob).root().properties()).isEqualTo(props);
        int stringsSize = (int) DtbReaderTest.word(blob, DtbReaderTest.SIZE_STRINGS);
        int expected = 200_001;
        for (int i = 0; i < 60_000; i++) {
            expected += ("property-name-number-" + i).length() + 1;
        }
        assertThat(stringsSize).isEqualTo(expected);
    }

    // ---- random trees ----

    /** Any tree: the writer is deterministic and the reader gives the tree back. */
    @net.jqwik.api.Property(tries = 1000)
    void writeThenReadIsIdentity(@ForAll("trees") Fdt fdt) throws Exception {
        byte[] blob = fdt.toDtb();
        Fdt back = Fdt.fromDtb(blob);
        assertThat(back).isEqualTo(fdt);
        assertThat(back.toDtb()).isEqualTo(blob);
    }

    /** A sample of trees against dtc itself: from source, and reading our blob back. */
    @net.jqwik.api.Property(tries = 40)
    void dtcWritesTheSameBlob(@ForAll("trees") Fdt fdt) throws IOException {
        Path dir = Files.createTempDirectory("dtb-writer");
        try {
            byte[] ours = assertSameAsDtc(dir, fdt);
            Files.write(dir.resolve("ours.dtb"), ours);
            Dtc.Run rewritten = Dtc.run(dir, "-q", "-f", "-I", "dtb", "-O", "dtb", "ours.dtb");
            assertThat(rewritten.ok()).as(rewritten.stderr()).isTrue();
            assertThat(rewritten.stdout()).isEqualTo(ours);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The strings block against dtc's own algorithm (first offset where the name reads as a C string), run naively here. */
    @net.jqwik.api.Property(tries = 2000)
    void stringsBlockIsDtcs(@ForAll("names") List<String> names) {
        List<Property> props = names.stream().map(Property::empty).toList();
        byte[] blob = fdt(node("", props)).toDtb();
        byte[] table = new byte[0];
        List<Integer> expected = new ArrayList<>();
        for (String name : names) {
            int found = -1;
            for (int i = 0; i < table.length && found < 0; i++) {
                int nul = i;
                while (table[nul] != 0) {
                    nul++;
                }
                if (new String(table, i, nul - i, StandardCharsets.ISO_8859_1).equals(name)) {
                    found = i;
                }
            }
            if (found < 0) {
                found = table.length;
                table = Arrays.copyOf(table, table.length + name.length() + 1);
                System.arraycopy(name.getBytes(StandardCharsets.ISO_8859_1), 0, table, found, name.length());
            }
            expected.add(found);
        }
        int stringsAt = (int) DtbReaderTest.word(blob, DtbReaderTest.OFF_STRINGS);
        assertThat(Arrays.copyOfRange(blob, stringsAt, blob.length)).isEqualTo(table);
        int structAt = (int) DtbReaderTest.word(blob, DtbReaderTest.OFF_STRUCT);
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            offsets.add((int) DtbReaderTest.word(blob, structAt + 8 + 12 * i + 8)); // props without values: 12 bytes each
        }
        assertThat(offsets).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<String>> names() {
        // A tiny alphabet so that names are often tails of one another; the empty name included.
        return Arbitraries.strings().withChars("ab-").ofMinLength(0).ofMaxLength(6).list().ofMaxSize(25);
    }

    @Provide
    Arbitrary<Fdt> trees() {
        return Arbitraries.randomValue(DtbWriterTest::randomTree);
    }

    /** Names and values dtc's source syntax accepts, unique among siblings, so source and tree agree. */
    static Fdt randomTree(Random r) {
        List<ReserveEntry> rsv = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            rsv.add(new ReserveEntry(r.nextLong(), r.nextLong() | 1)); // size 0 would end the list
        }
        return new Fdt(rsv, r.nextInt(8) == 0 ? r.nextInt() : 0, randomNode(r, "", 0));
    }

    private static final String[] NAME_PARTS = {"reg", "compatible", "status", "a", "b", "linux,", "phandle",
            "#address-cells", "cells", "device_type", "interrupts", "s", "x-y", "+"};

    private static Node randomNode(Random r, String name, int depth) {
        Set<String> propNames = new LinkedHashSet<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            String n = NAME_PARTS[r.nextInt(NAME_PARTS.length)] + (r.nextBoolean() ? "" : NAME_PARTS[r.nextInt(NAME_PARTS.length)]);
            if (!n.startsWith("+")) {
                propNames.add(n);
            }
        }
        List<Property> props = new ArrayList<>();
        for (String n : propNames) {
            byte[] v = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(20)];
            r.nextBytes(v);
            props.add(new Property(n, v));
        }
        Set<String> childNames = new LinkedHashSet<>();
        for (int i = depth < 4 ? r.nextInt(4) : 0; i > 0; i--) {
            childNames.add("n" + r.nextInt(5) + (r.nextBoolean() ? "@" + Integer.toHexString(r.nextInt(0x1000)) : ""));
        }
        List<Node> children = new ArrayList<>();
        for (String c : childNames) {
            children.add(randomNode(r, c, depth + 1));
        }
        return new Node(name, props, children);
    }

    // ---- helpers ----

    static Fdt fdt(Node root) {
        return new Fdt(List.of(), 0, root);
    }

    static Node node(String name, List<Property> props, Node... children) {
        return new Node(name, props, List.of(children));
    }

    static Node node(String name, Node... children) {
        return node(name, List.of(), children);
    }

    /** Properties with distinct short values, in this order. */
    static List<Property> props(String... names) {
        List<Property> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            out.add(Property.ofCells(names[i], i + 1));
        }
        return out;
    }

    /**
     * Compiles the tree's source with dtc and checks: our blob is dtc's, byte for byte; reading dtc's blob
     * gives the tree; writing that again gives dtc's blob. Returns our blob.
     */
    static byte[] assertSameAsDtc(Path dir, Fdt fdt) {
        try {
            Files.writeString(dir.resolve("t.dts"), toDts(fdt), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Dtc.Run dtc = Dtc.run(dir, "-q", "-f", "-I", "dts", "-O", "dtb", "-b", Integer.toUnsignedString(fdt.bootCpuid()), "t.dts");
        assertThat(dtc.ok()).as(dtc.stderr()).isTrue();
        byte[] ours = fdt.toDtb();
        assertThat(HexFormat.of().formatHex(ours)).isEqualTo(HexFormat.of().formatHex(dtc.stdout()));
        try {
            Fdt read = Fdt.fromDtb(dtc.stdout());
            assertThat(read).isEqualTo(fdt);
            assertThat(read.toDtb()).isEqualTo(dtc.stdout());
        } catch (FdtException e) {
            throw new AssertionError(e);
        }
        return ours;
    }

    static String toDts(Fdt fdt) {
        StringBuilder out = new StringBuilder("/dts-v1/;\n");
        for (ReserveEntry r : fdt.reservations()) {
            out.append("/memreserve/ 0x%x 0x%x;\n".formatted(r.address(), r.size()));
        }
        appendNode(out, fdt.root(), "/");
        return out.toString();
    }

    private static void appendNode(StringBuilder out, Node node, String name) {
        out.append(name).append(" {\n");
        for (Property p : node.properties()) {
            out.append(p.name());
            if (p.length() > 0) {
                out.append(" = [").append(HexFormat.ofDelimiter(" ").formatHex(p.value())).append("]");
            }
            out.append(";\n");
        }
        for (Node c : node.children()) {
            appendNode(out, c, c.name());
        }
        out.append("};\n");
    }

    /** Property name to strings-block offset, from the structure block of a blob we wrote. */
    static Map<String, Integer> nameOffsets(byte[] blob) {
        try {
            Fdt fdt = Fdt.fromDtb(blob);
            int stringsAt = (int) DtbReaderTest.word(blob, DtbReaderTest.OFF_STRINGS);
            Map<String, Integer> out = new HashMap<>();
            String table = new String(blob, stringsAt, blob.length - stringsAt, StandardCharsets.ISO_8859_1);
            // Every name appears in the table; dtc's offset for it is the first place it reads as a C string.
            collect(fdt.root(), n -> {
                for (Property p : n.properties()) {
                    out.computeIfAbsent(p.name(), k -> table.indexOf(k + "\0"));
                }
            });
            return out;
        } catch (FdtException e) {
            throw new AssertionError(e);
        }
    }

    private static void collect(Node n, java.util.function.Consumer<Node> visit) {
        visit.accept(n);
        n.children().forEach(c -> collect(c, visit));
    }
}
