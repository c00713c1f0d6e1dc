package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per rule the reader enforces: the exception, its message and the exact blob offset. Blobs are
 * assembled here word by word, laid out as dtc lays them out: a 40-byte v17 header, the reservation block
 * at 0x28, the structure block, then the strings block.
 */
class DtbReaderTest {
    static final int HEADER = 40;
    static final int MAGIC = 0, TOTALSIZE = 4, OFF_STRUCT = 8, OFF_STRINGS = 12, OFF_RSVMAP = 16,
            VERSION = 20, LAST_COMP = 24, BOOT_CPUID = 28, SIZE_STRINGS = 32, SIZE_STRUCT = 36;
    /** Structure block start when there are no reservations: header plus the terminating entry. */
    static final int STRUCT = HEADER + 16;

    // ---- blob assembly ----

    /** Structure-block words, written as dtc writes them (names and values padded to 4 bytes). */
    static final class Struct {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Struct word(long w) {
            out.writeBytes(new byte[] {(byte) (w >>> 24), (byte) (w >>> 16), (byte) (w >>> 8), (byte) w});
            return this;
        }

        Struct raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Struct pad() {
            while (out.size() % 4 != 0) {
                out.write(0);
            }
            return this;
        }

        Struct begin(String name) {
            return word(1).raw((name + "\0").getBytes(StandardCharsets.ISO_8859_1)).pad();
        }

        Struct prop(long nameOffset, byte... value) {
            return word(3).word(value.length).word(nameOffset).raw(value).pad();
        }

        Struct end() {
            return word(2);
        }

        Struct nop() {
            return word(4);
        }

        Struct fin() {
            return word(9);
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static Struct struct() {
        return new Struct();
    }

    /** A v17 blob with no reservations; {@code reservations} are address, size, address, size... */
    static byte[] blob(Struct struct, String strings) {
        return blob(struct, strings, new long[0]);
    }

    static byte[] blob(Struct struct, String strings, long[] reservations) {
        byte[] s = struct.bytes();
        byte[] str = strings.getBytes(StandardCharsets.ISO_8859_1);
        int structAt = HEADER + reservations.length * 8 + 16;
        int stringsAt = structAt + s.length;
        byte[] b = new byte[stringsAt + str.length];
        put(b, MAGIC, 0xd00dfeedL);
        put(b, TOTALSIZE, b.length);
        put(b, OFF_STRUCT, structAt);
        put(b, OFF_STRINGS, stringsAt);
        put(b, OFF_RSVMAP, HEADER);
        put(b, VERSION, 17);
        put(b, LAST_COMP, 16);
        put(b, SIZE_STRINGS, str.length);
        put(b, SIZE_STRUCT, s.length);
        for (int i = 0; i < reservations.length; i++) {
            put(b, HEADER + i * 8, reservations[i] >>> 32);
            put(b, HEADER + i * 8 + 4, reservations[i]);
        }
        System.arraycopy(s, 0, b, structAt, s.length);
        System.arraycopy(str, 0, b, stringsAt, str.length);
        return b;
    }

    static void put(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static byte[] with(byte[] blob, int at, long v) {
        byte[] b = blob.clone();
        put(b, at, v);
        return b;
    }

    /** The smallest valid tree: an empty root. */
    static byte[] emptyRoot() {
        return blob(struct().begin("").end().fin(), "");
    }

    /** Root with one property "reg" (strings offset 0) holding one cell, and a child "a". */
    static byte[] small() {
        return blob(struct().begin("").prop(0, new byte[] {0, 0, 0, 1}).begin("a").end().end().fin(), "reg\0");
    }

    static void rejects(byte[] blob, long offset, String what) {
        assertThatThrownBy(() -> Fdt.fromDtb(blob)).isInstanceOfSatisfying(DtbException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("at byte offset 0x%x: %s".formatted(offset, what));
            assertThat(e.offset()).isEqualTo(offset);
        });
    }

    // ---- the blobs above are valid ----

    @Test
    void readsTheHandBuiltBlobs() throws Exception {
        assertThat(Fdt.fromDtb(emptyRoot())).isEqualTo(new Fdt(List.of(), 0, new Node("", List.of(), List.of())));
        Fdt fdt = Fdt.fromDtb(small());
        assertThat(fdt.root().properties()).containsExactly(Property.ofCells("reg", 1));
        assertThat(fdt.root().children()).extracting(Node::name).containsExactly("a");
        assertThat(fdt.toDtb()).isEqualTo(small());
    }

    // ---- header ----

    @Test
    void tooShortForAnyHeader() {
        rejects(new byte[] {(byte) 0xd0, 0x0d}, 0, "blob is 2 bytes, too short for an FDT header");
        rejects(Arrays.copyOf(emptyRoot(), 27), 0, "blob is 27 bytes, too short for an FDT header");
    }

    @Test
    void badMagic() {
        rejects(with(emptyRoot(), MAGIC, 0xd00dfeeeL), 0, "bad magic 0xd00dfeee, expected 0xd00dfeed");
        rejects(new byte[] {1, 2, 3, 4, 5}, 0, "bad magic 0x01020304, expected 0xd00dfeed");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 4, 15})
    void unsupportedVersion(long version) {
        rejects(with(with(emptyRoot(), VERSION, version), LAST_COMP, 0), VERSION,
                "unsupported version %d (readable: 1 to 3, 16, 17 and later versions compatible with 17)".formatted(version));
    }

    @Test
    void lastCompatibleVersionNewerThanVersion() {
        rejects(with(with(emptyRoot(), VERSION, 16), LAST_COMP, 17), LAST_COMP, "last_comp_version 17 is newer than version 16");
    }

    @Test
    void laterVersionIncompatibleWith17() {
        rejects(with(with(emptyRoot(), VERSION, 18), LAST_COMP, 18), LAST_COMP,
                "last_comp_version 18: version 18 is not compatible with version 17");
    }

    @Test
    void laterVersionCompatibleWith17IsRead() throws Exception {
        assertThat(Fdt.fromDtb(with(emptyRoot(), VERSION, 18)).toDtb()).isEqualTo(emptyRoot());
    }

    @Test
    void headerTruncatedForItsVersion() {
        rejects(Arrays.copyOf(emptyRoot(), 36), 0, "blob is 36 bytes, too short for a version 17 header (40 bytes)");
    }

    @Test
    void totalsizeSmallerThanHeader() {
        rejects(with(emptyRoot(), TOTALSIZE, 39), TOTALSIZE, "totalsize 0x27 is smaller than the 40-byte header");
    }

    @ParameterizedTest
    @ValueSource(longs = {0x49, 0x7fffffffL, 0xffffffffL})
    void totalsizePastTheBlob(long totalsize) {
        rejects(with(emptyRoot(), TOTALSIZE, totalsize), TOTALSIZE,
                "totalsize 0x%x exceeds the blob length 0x48".formatted(totalsize));
    }

    @Test
    void bytesAfterTotalsizeAreIgnoredAsDtcDoes() throws Exception {
        byte[] longer = Arrays.copyOf(small(), small().length + 13);
        assertThat(Fdt.fromDtb(longer).toDtb()).isEqualTo(small());
    }

    @Test
    void reservationBlockOverlapsHeader() {
        rejects(with(emptyRoot(), OFF_RSVMAP, 32), OFF_RSVMAP, "memory reservation block offset 0x20 overlaps the 40-byte header");
    }

    @Test
    void reservationBlockBeyondTotalsize() {
        rejects(with(emptyRoot(), OFF_RSVMAP, 0x50), OFF_RSVMAP, "memory reservation block offset 0x50 is beyond totalsize 0x48");
    }

    @Test
    void reservationBlockMisaligned() {
        rejects(with(emptyRoot(), OFF_RSVMAP, 44), OFF_RSVMAP, "memory reservation block offset 0x2c is not 8-byte aligned");
    }

    @Test
    void structureBlockOverlapsHeader() {
        rejects(with(emptyRoot(), OFF_STRUCT, 0), OFF_STRUCT, "structure block offset 0x0 overlaps the 40-byte header");
    }

    @Test
    void structureBlockBeyondTotalsize() {
        rejects(with(emptyRoot(), OFF_STRUCT, 0xfffffffcL), OFF_STRUCT, "structure block offset 0xfffffffc is beyond totalsize 0x48");
    }

    @Test
    void structureBlockMisaligned() {
        rejects(with(emptyRoot(), OFF_STRUCT, STRUCT + 2), OFF_STRUCT, "structure block offset 0x3a is not 4-byte aligned");
    }

    @Test
    void structureSizePastTotalsize() {
        rejects(with(emptyRoot(), SIZE_STRUCT, 0xffffffffL), SIZE_STRUCT,
                "structure block of 0xffffffff bytes at offset 0x38 extends past totalsize 0x48");
    }

    @Test
    void stringsBlockOverlapsHeader() {
        rejects(with(emptyRoot(), OFF_STRINGS, 36), OFF_STRINGS, "strings block offset 0x24 overlaps the 40-byte header");
    }

    @Test
    void stringsBlockBeyondTotalsize() {
        rejects(with(emptyRoot(), OFF_STRINGS, 0x49), OFF_STRINGS, "strings block offset 0x49 is beyond totalsize 0x48");
    }

    @Test
    void stringsSizePastTotalsize() {
        rejects(with(emptyRoot(), SIZE_STRINGS, 1), SIZE_STRINGS,
                "strings block of 0x1 bytes at offset 0x48 extends past totalsize 0x48");
    }

    // ---- memory reservation block ----

    @Test
    void reservationsEndAtTheFirstEntryOfSizeZero() throws Exception {
        // Entries are (address, size) pairs; dtc and libfdt both stop at size 0 even if the address is not 0.
        long[] rsv = {0x1000, 0x2000, 0x3000, 0, 0x4000, 0x5000};
        Fdt fdt = Fdt.fromDtb(blob(struct().begin("").end().fin(), "", rsv));
        assertThat(fdt.reservations()).containsExactly(new ReserveEntry(0x1000, 0x2000));
    }

    @Test
    void reservationBlockWithoutTerminator() {
        // Only the reservation block and a totalsize ending inside the second entry.
        byte[] b = blob(struct().begin("").end().fin(), "", new long[] {0x1000, 0x2000, 0x3000, 0x4000});
        byte[] cut = with(with(with(with(b, OFF_STRUCT, HEADER), OFF_STRINGS, HEADER), SIZE_STRUCT, 0), SIZE_STRINGS, 0);
        cut = with(cut, TOTALSIZE, HEADER + 16 + 8);
        rejects(cut, HEADER + 16,
                "memory reservation entry without the terminating entry runs past the end of the blob (totalsize) at 0x40");
    }

    // ---- structure block ----

    @Test
    void firstTokenIsNotBeginNode() {
        rejects(blob(struct().nop().begin("").end().fin(), ""), STRUCT,
                "structure block starts with token 0x00000004 instead of FDT_BEGIN_NODE");
    }

    @Test
    void emptyStructureBlock() {
        byte[] b = with(emptyRoot(), SIZE_STRUCT, 0);
        rejects(b, STRUCT, "structure block ends at 0x38 without FDT_END");
    }

    @Test
    void nodeNameNotTerminatedInsideTheBlock() {
        // The block ends in the middle of the name "abcdefg" (no NUL before the end).
        byte[] b = blob(struct().begin("").begin("abcdefg").end().end().fin(), "");
        rejects(with(b, SIZE_STRUCT, 8 + 4 + 6), STRUCT + 12,
                "node name is not NUL-terminated before the end of the structure block at 0x4a");
    }

    @Test
    void nodeNamePaddingPastTheBlock() {
        // "ab" plus NUL is 3 bytes; the block ends before the pad byte.
        byte[] b = blob(struct().begin("").begin("ab").end().end().fin(), "");
        rejects(with(b, SIZE_STRUCT, 8 + 4 + 3), STRUCT + 15,
                "padding after node name runs past the end of the structure block at 0x47");
    }

    @Test
    void propertyHeaderTruncated() {
        byte[] b = small();
        rejects(with(b, SIZE_STRUCT, 8 + 4 + 4), STRUCT + 12,
                "property header runs past the end of the structure block at 0x48");
    }

    @ParameterizedTest
    @ValueSource(longs = {25, 0x7fffffffL, 0xffffffffL}) // the value starts 24 bytes before the end
    void propertyLengthPastTheBlock(long length) {
        byte[] b = with(small(), STRUCT + 12, length);
        rejects(b, STRUCT + 12, "property reg in / has length 0x%x, past the end of the structure block at 0x64".formatted(length));
    }

    @Test
    void propertyValuePaddingPastTheBlock() {
        byte[] b = blob(struct().begin("").prop(0, (byte) 7).end().fin(), "x\0");
        // Cut the block right after the one value byte.
        rejects(with(b, SIZE_STRUCT, 8 + 12 + 1), STRUCT + 21,
                "padding after property value runs past the end of the structure block at 0x4d");
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 0x80000000L, 0xffffffffL})
    void propertyNameOffsetOutsideStringsBlock(long nameOffset) {
        rejects(with(small(), STRUCT + 16, nameOffset), STRUCT + 16,
                "property name offset 0x%x is outside the strings block (0x4 bytes)".formatted(nameOffset));
    }

    @Test
    void propertyNameNotTerminatedInsideStringsBlock() {
        byte[] b = blob(struct().begin("").prop(4).end().fin(), "reg\0abc");
        int strings = STRUCT + 8 + 12 + 8;
        rejects(b, strings + 4, "property name at strings offset 0x4 is not NUL-terminated inside the strings block");
        // The NUL past size_dt_strings does not count.
        byte[] longer = with(Arrays.copyOf(b, b.length + 1), TOTALSIZE, b.length + 1);
        rejects(longer, strings + 4, "property name at strings offset 0x4 is not NUL-terminated inside the strings block");
    }

    @Test
    void unknownToken() {
        rejects(blob(struct().begin("").word(0x5).end().fin(), ""), STRUCT + 8, "unknown token 0x00000005");
        rejects(blob(struct().begin("").end().word(0xd00dfeedL).fin(), ""), STRUCT + 12, "unknown token 0xd00dfeed");
    }

    @Test
    void endTokenInsideANode() {
        rejects(blob(struct().begin("").begin("a").begin("b").fin(), ""), STRUCT + 24,
                "FDT_END inside node /a/b: 3 node(s) not closed");
    }

    @Test
    void blockEndsInsideANode() {
        rejects(blob(struct().begin("").begin("cpus"), ""), STRUCT + 20,
                "structure block ends at 0x4c inside node /cpus without FDT_END");
    }

    @Test
    void endTokenMissingAfterTheRoot() {
        rejects(blob(struct().begin("").end(), ""), STRUCT + 12, "structure block ends at 0x44 without FDT_END");
    }

    @Test
    void secondRootNode() {
        rejects(blob(struct().begin("").end().begin("").end().fin(), ""), STRUCT + 12,
                "second root node: FDT_BEGIN_NODE after the root node closed");
    }

    @Test
    void unbalancedEndNode() {
        rejects(blob(struct().begin("").end().end().fin(), ""), STRUCT + 12, "FDT_END_NODE without a matching FDT_BEGIN_NODE");
    }

    @Test
    void propertyAfterTheRootCloses() {
        rejects(blob(struct().begin("").end().prop(0).fin(), "x\0"), STRUCT + 12,
                "FDT_PROP outside any node, after the root node closed");
    }

    @Test
    void nopsAreSkippedAnywhereAfterTheFirstToken() throws Exception {
        byte[] b = blob(struct().begin("").nop().prop(0, new byte[] {0, 0, 0, 1}).nop().begin("a").nop().end().nop()
                .end().nop().nop().fin(), "reg\0");
        assertThat(Fdt.fromDtb(b)).isEqualTo(Fdt.fromDtb(small()));
    }

    @Test
    void propertyNamesThatWouldDecodeToFarMoreThanTheBlobAreRejected() {
        // One 32 KiB name, and properties at each of its first 400 offsets: about 12 MiB of distinct names.
        Struct s = struct().begin("");
        for (int i = 0; i < 400; i++) {
            s.prop(i);
        }
        byte[] b = blob(s.end().fin(), "n".repeat(32 << 10) + "\0");
        int nameFieldOfProp = STRUCT + 8 + 12 * 129 + 8; // the budget (size + 4 MiB) runs out at the 130th name
        rejects(b, nameFieldOfProp, "property names add up to more than 0x408001 bytes: too many overlapping string offsets");
    }

    // ---- depth ----

    @Test
    void deepNestingNeedsNoRecursion() throws Exception {
        int depth = 200_000;
        Struct s = struct();
        for (int i = 0; i <= depth; i++) {
            s.begin(i == 0 ? "" : "n");
        }
        for (int i = 0; i <= depth; i++) {
            s.end();
        }
        byte[] b = blob(s.fin(), "");
        Fdt fdt = Fdt.fromDtb(b);
        assertThat(fdt.toDtb()).isEqualTo(b);
        int seen = 0;
        for (Node n = fdt.root(); !n.children().isEmpty(); n = n.children().getFirst()) {
            seen++;
        }
        assertThat(seen).isEqualTo(depth);
    }

    @Test
    void deepNestingErrorNamesOnlyTheInnermostNodes() {
        Struct s = struct().begin("");
        for (int i = 0; i < 50_000; i++) {
            s.begin(i == 49_999 ? "last" : "n");
        }
        byte[] b = blob(s, "");
        assertThatThrownBy(() -> Fdt.fromDtb(b)).isInstanceOfSatisfying(DtbException.class, e -> {
            assertThat(e.offset()).isEqualTo(STRUCT + s.size());
            assertThat(e.getMessage()).matches("at byte offset 0x[0-9a-f]+: structure block ends at 0x[0-9a-f]+ "
                    + "inside node /\\.\\.\\.(/n)+/last without FDT_END").hasSizeLessThan(300);
        });
    }

    // ---- older versions, made by dtc -V ----

    static final String SOURCE = """
            /dts-v1/;
            /memreserve/ 0x10000000 0x4000;
            / {
            	compatible = "domus,test";
            	#address-cells = <1>;
            	chosen { bootargs = "console=hvc0"; };
            	memory@40000000 { device_type = "memory"; reg = <0x40000000 0x8000000>; big = /bits/ 64 <1 2>; b = [01]; e; };
            	cpus { cpu@0 { reg = <0>; linux,phandle = <1>; phandle = <1>; }; };
            };
            """;

    /** dtc reads blobs of versions 1, 2, 3 and 16 as well; so do we, to the tree dtc writes back as v17. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 16, 17})
    void olderVersionsWrittenByDtcReadAsTheSameTree(int version, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.dts"), SOURCE);
        Dtc.Run old = Dtc.run(dir, "-q", "-I", "dts", "-O", "dtb", "-V", Integer.toString(version), "-b", "3", "t.dts");
        assertThat(old.ok()).as(old.stderr()).isTrue();
        assertThat(Arrays.copyOfRange(old.stdout(), VERSION, VERSION + 4)).containsExactly(0, 0, 0, version);
        Files.write(dir.resolve("old.dtb"), old.stdout());
        Dtc.Run v17 = Dtc.run(dir, "-q", "-I", "dtb", "-O", "dtb", "old.dtb");
        assertThat(v17.ok()).as(v17.stderr()).isTrue();

        Fdt fdt = Fdt.fromDtb(old.stdout());
        assertThat(fdt.toDtb()).isEqualTo(v17.stdout());
        assertThat(fdt.bootCpuid()).isEqualTo(version == 1 ? 0 : 3); // version 1 headers have no boot_cpuid_phys
        assertThat(fdt.node("/memory@40000000").orElseThrow().property("big").orElseThrow().value())
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2);
    }

    @Test
    void version16BoundsTheStructureBlockByTheNextBlock(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.dts"), SOURCE);
        byte[] v16 = Dtc.run(dir, "-q", "-I", "dts", "-O", "dtb", "-V", "16", "t.dts").stdout();
        assertThat(word(v16, VERSION)).isEqualTo(16);
        assertThat(Fdt.fromDtb(v16).toDtb()).isEqualTo(Dtc.compile(dir.resolve("t.dts")).stdout());
        // Without size_dt_struct the block ends where the strings block starts: move that start
        // back by one word and FDT_END is outside the structure block.
        long strings = word(v16, OFF_STRINGS);
        byte[] b = with(with(v16, OFF_STRINGS, strings - 4), SIZE_STRINGS, word(v16, SIZE_STRINGS) + 4);
        rejects(b, strings - 4, "structure block ends at 0x%x without FDT_END".formatted(strings - 4));
    }

    @Test
    void legacyNodePathMustNameAChild(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.dts"), "/dts-v1/;\n/ { ab { cd { }; }; };\n");
        byte[] v3 = Dtc.run(dir, "-q", "-I", "dts", "-O", "dtb", "-V", "3", "t.dts").stdout();
        int at = indexOf(v3, "/ab/cd\0");
        byte[] b = v3.clone();
        b[at + 3] = 'x'; // "/ab/cd" becomes "/abxcd"
        rejects(b, at, "node path \"/abxcd\" does not name a child of \"/ab\"");
        byte[] root = v3.clone();
        root[indexOf(v3, "/\0")] = 'r';
        rejects(root, indexOf(v3, "/\0"), "root node path is \"r\", expected \"/\"");
    }

    static long word(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    static int indexOf(byte[] b, String s) {
        byte[] needle = s.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + s);
    }
}
