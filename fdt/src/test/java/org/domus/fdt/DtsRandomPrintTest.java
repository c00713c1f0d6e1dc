package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random trees with random property bytes (printable or not, with and without NULs), written as DTS with
 * {@code [..]} byte syntax, compiled and decompiled by the reference dtc: ours prints what dtc prints.
 * Each try runs dtc twice, so tries are kept modest.
 */
class DtsRandomPrintTest {
    private static Path dir;

    /** A node of the random tree: property values in order, then children (named by position). */
    record TreeSpec(List<List<Byte>> values, List<TreeSpec> children) {
    }

    record Reservation(long address, long size) {
    }

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("dts-random");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 200)
    void printsAsDtc(@ForAll("trees") TreeSpec tree, @ForAll("reservations") List<Reservation> reservations)
            throws IOException {
        StringBuilder dts = new StringBuilder("/dts-v1/;\n");
        for (Reservation r : reservations) {
            dts.append(String.format("/memreserve/ 0x%x 0x%x;%n", r.address, r.size));
        }
        dts.append('/');
        render(tree, 0, dts);
        Files.writeString(dir.resolve("r.dts"), dts, StandardCharsets.UTF_8);
        Dtc.Run compiled = Dtc.run(dir, "-q", "-I", "dts", "-O", "dtb", "-o", "r.dtb", "r.dts");
        assertThat(compiled.ok()).as("dtc compile: %s\n%s", compiled.stderr(), dts).isTrue();
        Dtc.Run golden = Dtc.decompile(dir.resolve("r.dtb"));
        assertThat(golden.ok()).as("dtc decompile: %s", golden.stderr()).isTrue();
        // TODO: Fdt.fromDtb once the real reader lands.
        String ours = PrintTestBlobs.read(dir.resolve("r.dtb")).toDts();
        assertThat(ours).as("source:\n%s", dts).isEqualTo(new String(golden.stdout(), StandardCharsets.UTF_8));
    }

    private static void render(TreeSpec t, int depth, StringBuilder out) {
        out.append(" {\n");
        for (int i = 0; i < t.values.size(); i++) {
            out.append("\t".repeat(depth + 1)).append('p').append(i).append(" = [");
            for (Byte b : t.values.get(i)) {
                out.append(String.format(" %02x", b & 0xff));
            }
            out.append(" ];\n");
        }
        for (int i = 0; i < t.children.size(); i++) {
            out.append("\t".repeat(depth + 1)).append(i % 2 == 0 ? "n" + i : "dev@" + Integer.toHexString(i * 0x1000));
            render(t.children.get(i), depth + 1, out);
        }
        out.append("\t".repeat(depth)).append("};\n");
    }

    @Provide
    Arbitrary<TreeSpec> trees() {
        Arbitrary<List<List<Byte>>> values = value().list().ofMaxSize(6);
        return Arbitraries.recursive(
                () -> values.map(v -> new TreeSpec(v, List.of())),
                deeper -> Combinators.combine(values, deeper.list().ofMaxSize(3)).as(TreeSpec::new),
                0, 3);
    }

    @Provide
    Arbitrary<List<Reservation>> reservations() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs().filter(s -> s != 0))
                .as(Reservation::new).list().ofMaxSize(3);
    }

    /** Mostly values that sit near the string/cells/bytes borders: NUL-terminated text, NUL runs, odd bytes. */
    private static Arbitrary<List<Byte>> value() {
        Arbitrary<Byte> anyByte = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just((byte) 0)),
                Tuple.of(8, byteIn(0x20, 0x7e)),
                Tuple.of(2, byteIn(0x07, 0x0d)),
                Tuple.of(1, byteIn(0x01, 0x1f)),
                Tuple.of(1, byteIn(0x7f, 0xff)));
        Arbitrary<List<Byte>> raw = anyByte.list().ofMaxSize(13);
        Arbitrary<List<Byte>> terminated = raw.map(l -> {
            List<Byte> copy = new ArrayList<>(l);
            copy.add((byte) 0);
            return copy;
        });
        Arbitrary<List<Byte>> stringList = byteIn(0x20, 0x7e).list().ofMaxSize(5).list().ofMinSize(1).ofMaxSize(4)
                .map(parts -> {
                    List<Byte> out = new ArrayList<>();
                    for (List<Byte> p : parts) {
                        out.addAll(p);
                        out.add((byte) 0);
                    }
                    return out;
                });
        return Arbitraries.frequencyOf(
                Tuple.of(3, raw),
                Tuple.of(3, terminated),
                Tuple.of(3, stringList));
    }

    private static Arbitrary<Byte> byteIn(int lo, int hi) {
        return Arbitraries.integers().between(lo, hi).map(i -> (byte) (int) i);
    }
}
