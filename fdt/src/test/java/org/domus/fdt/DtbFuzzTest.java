package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the bytes, {@link Fdt#fromDtb} returns a tree or throws {@link DtbException} pointing inside
 * the blob: never another exception, never a hang, never an allocation sized by a corrupt field. What
 * it does read writes back and reads again to the same tree.
 */
class DtbFuzzTest {
    private static final List<byte[]> CORPUS = DtbCorpusTest.corpusBlobs().stream().map(DtbFuzzTest::bytes).toList();

    /** (a) Noise: nearly always a bad magic or a short blob, but any byte array must be handled. */
    @net.jqwik.api.Property(tries = 2000)
    void randomBytes(@ForAll @Size(max = 300) byte[] blob) {
        Statistics.collect(readOrReject(blob));
    }

    /**
     * (a') A well-formed header in front of a structure block made of random token chunks (a node start
     * with a short name, a property with a short value, a node end, a NOP, FDT_END, a random word),
     * usually closed by enough FDT_END_NODEs and an FDT_END, so that many get past the header checks
     * and some are whole trees.
     */
    @net.jqwik.api.Property(tries = 2000)
    void randomTokenStreams(@ForAll("tokenStreams") byte[] blob) {
        Statistics.collect(readOrReject(blob));
        Statistics.coverage(c -> {
            c.check("read").percentage(p -> p > 5);
            c.check("rejected").percentage(p -> p > 20);
        });
    }

    /** (b) Corpus blobs with one to four mutations. */
    @net.jqwik.api.Property(tries = 2000)
    void mutatedCorpus(@ForAll("mutants") Mutant mutant) {
        Statistics.collect(readOrReject(mutant.apply()));
        Statistics.coverage(c -> {
            c.check("read").percentage(p -> p > 5);
            c.check("rejected").percentage(p -> p > 20);
        });
    }

    /** The property every generator shares; returns "read" or "rejected" for the statistics. */
    static String readOrReject(byte[] blob) {
        Fdt fdt;
        try {
            fdt = Fdt.fromDtb(blob);
        } catch (DtbException e) {
            assertThat(e.offset()).as(e.getMessage()).isBetween(0L, (long) blob.length);
            assertThat(e.getMessage()).startsWith("at byte offset 0x%x: ".formatted(e.offset()));
            Statistics.label("why").collect(e.getMessage().substring(e.getMessage().indexOf(": ") + 2)
                    .replaceAll("property \\S* in \\S+", "property P in N").replaceAll("node /\\S*", "node N")
                    .replaceAll("\"[^\"]*\"", "\"…\"").replaceAll("0x[0-9a-f]+|\\b\\d+\\b", "#"));
            return "rejected";
        } catch (FdtException e) {
            throw new AssertionError("a blob must fail with DtbException", e);
        }
        byte[] again = fdt.toDtb();
        try {
            Fdt reread = Fdt.fromDtb(again);
            assertThat(reread).isEqualTo(fdt);
            assertThat(reread.toDtb()).isEqualTo(again);
        } catch (FdtException e) {
            throw new AssertionError("our own blob was rejected", e);
        }
        return "read";
    }

    // ---- (a') token streams ----

    /** Versions 1 to 3 name nodes by full path, so their root is "/"; their children mostly fail the path check. */
    private static final int[] ROOT = {1, 0}, LEGACY_ROOT = {1, 0x2f000000};

    @Provide
    Arbitrary<byte[]> tokenStreams() {
        // "", "ab", "abcd", "/", "a@a", and (rarely) a name whose NUL is missing
        Arbitrary<int[]> name = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.of(new int[] {0}, new int[] {0x61620000}, new int[] {0x61626364, 0},
                        new int[] {0x2f000000}, new int[] {0x61406100})),
                Tuple.of(1, Arbitraries.just(new int[] {0x61626364})));
        Arbitrary<int[]> begin = name.map(n -> concat(new int[] {1}, n));
        Arbitrary<int[]> prop = Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 10))
                .as((len, nameOffset) -> concat(new int[] {3, len, nameOffset}, new int[(len + 3) / 4]));
        Arbitrary<int[]> chunk = Arbitraries.frequencyOf(
                Tuple.of(8, begin),
                Tuple.of(10, prop),
                Tuple.of(5, Arbitraries.just(new int[] {2})),
                Tuple.of(1, Arbitraries.just(new int[] {4})),
                Tuple.of(1, Arbitraries.just(new int[] {9})),
                Tuple.of(1, Arbitraries.integers().map(w -> new int[] {w})));
        Arbitrary<byte[]> strings = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just("reg\0ab\0b\0\0".getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(1, Arbitraries.bytes().between((byte) 0, (byte) 3).map(b -> (byte) (b == 0 ? 0 : 'a' + b))
                        .array(byte[].class).ofMaxSize(12)));
        Arbitrary<Integer> version = Arbitraries.frequency(Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(1, 3),
                Tuple.of(3, 16), Tuple.of(10, 17));
        return Combinators.combine(chunk.list().ofMaxSize(12), Arbitraries.of(true, true, true, false), strings, version)
                .as((chunks, close, str, v) -> tokenBlob(v < 16 ? LEGACY_ROOT : ROOT, chunks, close, str, v));
    }

    /** Laid out as dtc lays out a blob of that version; {@code close} ends the block with the END_NODEs it lacks and FDT_END. */
    static byte[] tokenBlob(int[] root, List<int[]> chunks, boolean close, byte[] strings, int version) {
        List<int[]> all = new ArrayList<>(List.of(root));
        all.addAll(chunks);
        if (close) {
            int depth = 0;
            for (int[] c : all) {
                depth += c[0] == 1 ? 1 : c[0] == 2 && c.length == 1 ? -1 : 0;
            }
            for (; depth > 0; depth--) {
                all.add(new int[] {2});
            }
            all.add(new int[] {9});
        }
        int[] words = concat(all.toArray(int[][]::new));
        int header = version == 1 ? 28 : version == 2 ? 32 : version < 17 ? 36 : 40;
        int rsv = (header + 7) & ~7;
        int struct = rsv + 16;
        int str = struct + words.length * 4;
        byte[] b = new byte[str + strings.length];
        DtbReaderTest.put(b, 0, 0xd00dfeedL);
        DtbReaderTest.put(b, 4, b.length);
        DtbReaderTest.put(b, 8, struct);
        DtbReaderTest.put(b, 12, str);
        DtbReaderTest.put(b, 16, rsv);
        DtbReaderTest.put(b, 20, version);
        DtbReaderTest.put(b, 24, version < 16 ? 1 : 16);
        if (version >= 3) {
            DtbReaderTest.put(b, 32, strings.length);
        }
        if (version >= 17) {
            DtbReaderTest.put(b, 36, words.length * 4);
        }
        for (int i = 0; i < words.length; i++) {
            DtbReaderTest.put(b, struct + 4 * i, words[i]);
        }
        System.arraycopy(strings, 0, b, str, strings.length);
        return b;
    }

    private static int[] concat(int[]... parts) {
        int[] out = new int[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    // ---- (b) mutated corpus ----

    /** A corpus blob and the mutations applied to it in order. */
    record Mutant(int blob, List<Mutation> mutations) {
        byte[] apply() {
            byte[] b = CORPUS.get(blob).clone();
            for (Mutation m : mutations) {
                b = m.apply(b, CORPUS.get(blob));
            }
            return b;
        }
    }

    /** Positions and choices are any non-negative int, reduced modulo what the blob offers when applied. */
    sealed interface Mutation {
        byte[] apply(byte[] b, byte[] original);
    }

    record FlipBit(int at, int bit) implements Mutation {
        public byte[] apply(byte[] b, byte[] original) {
            if (b.length > 0) {
                b[at % b.length] ^= (byte) (1 << bit);
            }
            return b;
        }
    }

    record OverwriteByte(int at, int value) implements Mutation {
        public byte[] apply(byte[] b, byte[] original) {
            if (b.length > 0) {
                b[at % b.length] = (byte) value;
            }
            return b;
        }
    }

    /** A header field (0 magic .. 9 size_dt_struct) set to a boundary value. */
    record HeaderField(int field, int choice) implements Mutation {
        public byte[] apply(byte[] b, byte[] original) {
            int at = 4 * (field % 10);
            if (at + 4 <= b.length) {
                long[] values = {0, 1, 3, 4, 7, 8, 16, 17, 18, 0x28, 0x7fffffffL, 0x80000000L, 0xfffffffcL, 0xffffffffL,
                        b.length, b.length - 1, b.length + 1, b.length / 2, DtbReaderTest.word(b, at) + 4,
                        DtbReaderTest.word(b, at) - 4};
                DtbReaderTest.put(b, at, values[choice % values.length]);
            }
            return b;
        }
    }

    /** Cut the blob; half the time also shrink totalsize and the block sizes so the cut is past the header checks. */
    record Truncate(int at, boolean fixHeader) implements Mutation {
        public byte[] apply(byte[] b, byte[] original) {
            byte[] cut = Arrays.copyOf(b, at % (b.length + 1));
            if (fixHeader && cut.length >= 40) {
                DtbReaderTest.put(cut, 4, cut.length);
                for (int[] block : new int[][] {{8, 36}, {12, 32}}) {
                    long off = DtbReaderTest.word(cut, block[0]);
                    long size = DtbReaderTest.word(cut, block[1]);
                    if (off <= cut.length && off + size > cut.length) {
                        DtbReaderTest.put(cut, block[1], cut.length - off);
                    }
                }
            }
            return cut;
        }
    }

    /** A word of the original structure block replaced by a token (or a random word). */
    record Token(int word, int token) implements Mutation {
        public byte[] apply(byte[] b, byte[] original) {
            int start = (int) DtbReaderTest.word(original, 8);
            int words = (int) DtbReaderTest.word(original, 36) / 4;
            int at = start + 4 * (word % words);
            int[] tokens = {1, 2, 3, 4, 9, token};
            if (at + 4 <= b.length) {
                DtbReaderTest.put(b, at, tokens[Math.floorMod(token, tokens.length)]);
            }
            return b;
        }
    }

    /** The length or name offset of one of the original's properties set to a huge or just-too-large value. */
    record PropertyField(int property, boolean length, int choice) implements Mutation {
        public byte[] apply(byte[] b, byte[] original) {
            List<Integer> props = propertyTokens(original);
            if (props.isEmpty()) {
                return b;
            }
            int at = props.get(property % props.size()) + (length ? 4 : 8);
            long stringsSize = DtbReaderTest.word(original, 32);
            long structEnd = DtbReaderTest.word(original, 8) + DtbReaderTest.word(original, 36);
            long[] values = {0xffffffffL, 0x80000000L, 0x7fffffffL, 0xfffffff8L, stringsSize, stringsSize - 1,
                    structEnd - at, structEnd - at - 8, DtbReaderTest.word(original, at) + 1};
            if (at + 4 <= b.length) {
                DtbReaderTest.put(b, at, values[choice % values.length]);
            }
            return b;
        }
    }

    /** Offsets of the FDT_PROP tokens of a valid blob, found by walking its structure block. */
    static List<Integer> propertyTokens(byte[] blob) {
        List<Integer> out = new ArrayList<>();
        int at = (int) DtbReaderTest.word(blob, 8);
        while (true) {
            int token = (int) DtbReaderTest.word(blob, at);
            switch (token) {
                case 1 -> {
                    at += 4;
                    while (blob[at] != 0) {
                        at++;
                    }
                    at = (at + 4) & ~3;
                }
                case 3 -> {
                    out.add(at);
                    at = (at + 12 + (int) DtbReaderTest.word(blob, at + 4) + 3) & ~3;
                }
                case 9 -> {
                    return out;
                }
                default -> at += 4;
            }
        }
    }

    @Provide
    Arbitrary<Mutant> mutants() {
        Arbitrary<Integer> any = Arbitraries.integers().greaterOrEqual(0);
        Arbitrary<Mutation> mutation = Arbitraries.frequencyOf(
                Tuple.of(2, Combinators.combine(any, Arbitraries.integers().between(0, 7)).as(FlipBit::new)),
                Tuple.of(2, Combinators.combine(any, Arbitraries.of(0, 0xff, 0x80, 0x7f, 1)).as(OverwriteByte::new)),
                Tuple.of(3, Combinators.combine(any, any).as(HeaderField::new)),
                Tuple.of(2, Combinators.combine(any, Arbitraries.of(true, false)).as(Truncate::new)),
                Tuple.of(3, Combinators.combine(any, Arbitraries.integers()).as(Token::new)),
                Tuple.of(2, Combinators.combine(any, Arbitraries.of(true, false), any).as(PropertyField::new)));
        return Combinators.combine(Arbitraries.integers().between(0, CORPUS.size() - 1), mutation.list().ofMinSize(1).ofMaxSize(4))
                .as(Mutant::new);
    }

    private static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
