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
 * Targeted cases for the printer. Each one is written as DTS, compiled to a blob by the reference dtc,
 * decompiled by dtc for the golden text, and printed by ours from the same blob; the two must be identical.
 * Where a case pins one of dtc's rules, the golden's line is asserted as well, so that the rule is written down.
 */
class DtsPrinterTest {
    @TempDir
    Path dir;

    /** Compiles {@code dts} (with extra dtc arguments), returns dtc's decompilation after checking ours equals it. */
    private String assertPrintsAsDtc(String dts, String... compileArgs) throws IOException {
        Path blob = compile(dts, compileArgs);
        return assertBlobPrintsAsDtc(blob);
    }

    private Path compile(String dts, String... compileArgs) throws IOException {
        Files.writeString(dir.resolve("t.dts"), dts, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("-q", "-I", "dts", "-O", "dtb", "-o", "t.dtb"));
        args.addAll(List.of(compileArgs));
        args.add("t.dts");
        Dtc.Run run = Dtc.run(dir, args.toArray(String[]::new));
        assertThat(run.ok()).as("dtc compile: %s", run.stderr()).isTrue();
        return dir.resolve("t.dtb");
    }

    private String assertBlobPrintsAsDtc(Path blob) {
        Dtc.Run golden = Dtc.decompile(blob);
        assertThat(golden.ok()).as("dtc decompile: %s", golden.stderr()).isTrue();
        String expected = new String(golden.stdout(), StandardCharsets.UTF_8);
        // TODO: Fdt.fromDtb once the real reader lands.
        String ours = PrintTestBlobs.read(blob).toDts();
        assertThat(ours).isEqualTo(expected);
        assertThat(ours.getBytes(StandardCharsets.UTF_8)).isEqualTo(golden.stdout());
        return expected;
    }

    private String assertProps(String props) throws IOException {
        return assertPrintsAsDtc("/dts-v1/;\n/ {\n" + props + "\n};\n");
    }

    @Test
    void minimalTree() throws IOException {
        assertThat(assertPrintsAsDtc("/dts-v1/;\n/ { };\n")).isEqualTo("/dts-v1/;\n\n/ {\n};\n");
    }

    @Test
    void emptyPropertyIsNameAndSemicolon() throws IOException {
        assertThat(assertProps("e; f = [];")).contains("\te;\n\tf;\n");
    }

    @Test
    void everyEscapeClass() throws IOException {
        String golden = assertProps("s = \"\\a\\b\\t\\n\\v\\f\\r\\\\\\\"'?\";");
        assertThat(golden).contains("\ts = \"\\a\\b\\t\\n\\v\\f\\r\\\\\\\"'?\";\n");
    }

    @Test
    void everyPrintableAsciiCharacter() throws IOException {
        StringBuilder s = new StringBuilder("all = \"");
        for (char c = 0x20; c <= 0x7e; c++) {
            s.append(c == '"' || c == '\\' ? "\\" + c : String.valueOf(c));
        }
        assertProps(s.append("\";").toString());
    }

    @Test
    void octalAndHexEscapesOfStringBytesComeBackByLetter() throws IOException {
        assertThat(assertProps("s = \"\\007\\x08\\x09\\012\\x0b\\x0c\\015\";")).contains("s = \"\\a\\b\\t\\n\\v\\f\\r\";");
    }

    @Test
    void otherControlBytesAndNonAsciiAreNotStrings() throws IOException {
        String golden = assertProps("""
                c1 = "a\\x01";
                esc = "\\x1b[0m";
                del = "a\\x7f";
                high = "caf\\xc3\\xa9";
                ff = "\\xff\\xfe";
                latin = [e9 00];
                utf8four = "\\xc3\\xa9\\xc3";
                """);
        assertThat(golden).contains("c1 = [61 01 00];").contains("del = [61 7f 00];").contains("utf8four = <0xc3a9c300>;");
    }

    @Test
    void stringListsPrintAsOneStringWithNul() throws IOException {
        String golden = assertProps("compatible = \"arm,foundation-aarch64\", \"arm,vexpress\";");
        assertThat(golden).contains("compatible = \"arm,foundation-aarch64\\0arm,vexpress\";");
    }

    @Test
    void emptyStringsCountAgainstTheHalfNulRule() throws IOException {
        String golden = assertProps("""
                leading = "", "a";
                trailing = "ab", "";
                middle = "ab", "", "cd";
                tooMany = "a", "", "b";
                lone = "";
                two = "", "";
                four = "", "", "", "";
                lead2 = "", "ab";
                """);
        assertThat(golden)
                .contains("leading = [00 61 00];")
                .contains("trailing = \"ab\\0\";")
                .contains("middle = \"ab\\0\\0cd\";")
                .contains("tooMany = [61 00 00 62 00];")
                .contains("lone = [00];")
                .contains("two = [00 00];")
                .contains("four = <0x00>;")
                .contains("lead2 = \"\\0ab\";");
    }

    @Test
    void stringWithoutTrailingNulIsCellsOrBytes() throws IOException {
        String golden = assertProps("""
                four = [61 62 63 64];
                three = [61 62 63];
                eight = "abcdefgh";
                seven = [61 62 63 64 65 66 67];
                """);
        assertThat(golden).contains("four = <0x61626364>;").contains("three = [61 62 63];")
                .contains("seven = [61 62 63 64 65 66 67];");
    }

    @Test
    void cellThatReadsAsStringIsAString() throws IOException {
        assertThat(assertProps("c = <0x61626300>; d = <0x41004200>;")).contains("c = \"abc\";").contains("d = \"A\\0B\";");
    }

    @Test
    void lengthsOneToNine() throws IOException {
        StringBuilder props = new StringBuilder();
        for (int len = 1; len <= 9; len++) {
            props.append("b").append(len).append(" = [");
            for (int i = 0; i < len; i++) {
                props.append(String.format("%02x ", (i * 37 + 0x81) & 0xff));
            }
            props.append("];\n");
            props.append("z").append(len).append(" = [").append("00 ".repeat(len)).append("];\n");
        }
        String golden = assertProps(props.toString());
        assertThat(golden).contains("b1 = [81];").contains("z4 = <0x00>;").contains("z8 = <0x00 0x00>;");
    }

    @Test
    void cellHexHasAtLeastTwoDigits() throws IOException {
        String golden = assertProps("c = <0 1 0xf 0x10 0xff 0x100 0xfff 0x1000 0x7fffffff 0x80000000 0xffffffff>;");
        assertThat(golden).contains(
                "c = <0x00 0x01 0x0f 0x10 0xff 0x100 0xfff 0x1000 0x7fffffff 0x80000000 0xffffffff>;");
    }

    @Test
    void otherWidthsAndMixedValuesAreGuessedAfresh() throws IOException {
        assertProps("""
                b8 = /bits/ 8 <1 2 3>;
                b16 = /bits/ 16 <0x1234 0xabcd>;
                b16odd = /bits/ 16 <0x1234>;
                b64 = /bits/ 64 <0x123456789abcdef0>;
                mix = "abc", <1>;
                mix2 = <0x61>, "b";
                mix3 = [01], "str";
                """);
    }

    @Test
    void referencesBecomePhandlesAndPaths() throws IOException {
        assertProps("""
                ref = <&n>;
                path = &n;
                n: node@10 { reg = <0x10>; phandle-user = <&n 1 2>; };
                """);
    }

    @Test
    void layoutOfPropertiesChildrenAndSiblings() throws IOException {
        String golden = assertPrintsAsDtc("""
                /dts-v1/;
                / {
                	a = <1>;
                	onlyChildren { x { }; y { p; }; };
                	onlyProps { q = "v"; };
                	empty { };
                };
                """);
        assertThat(golden).isEqualTo("""
                /dts-v1/;

                / {
                	a = <0x01>;

                	onlyChildren {

                		x {
                		};

                		y {
                			p;
                		};
                	};

                	onlyProps {
                		q = "v";
                	};

                	empty {
                	};
                };
                """);
    }

    @Test
    void rootWithOnlyChildren() throws IOException {
        assertPrintsAsDtc("/dts-v1/;\n/ { a { }; b { c = <2>; }; };\n");
    }

    @Test
    void deepNesting() throws IOException {
        StringBuilder s = new StringBuilder("/dts-v1/;\n/ {\n");
        for (int i = 0; i < 40; i++) {
            s.append("n").append(i).append(" { v = <").append(i).append(">;\n");
        }
        s.append("}; ".repeat(40)).append("\n};\n");
        assertPrintsAsDtc(s.toString());
    }

    @Test
    void manyReservations() throws IOException {
        StringBuilder s = new StringBuilder("/dts-v1/;\n");
        for (int i = 0; i < 20; i++) {
            s.append("/memreserve/ ").append(String.format("0x%x 0x%x;%n", (long) i << (i * 3), i + 1L));
        }
        s.append("/memreserve/ 0xffffffffffffffff 0x8000000000000000;\n");
        s.append("/memreserve/ 0x0 0x1;\n/ { };\n");
        String golden = assertPrintsAsDtc(s.toString());
        assertThat(golden).contains("/memreserve/\t0xffffffffffffffff 0x8000000000000000;\n")
                .contains("/memreserve/\t0x0000000000000000 0x0000000000000001;\n/ {\n");
    }

    @Test
    void bootCpuidIsNotPrinted() throws IOException {
        assertPrintsAsDtc("/dts-v1/;\n/ { cpus { cpu@3 { reg = <3>; }; }; };\n", "-b", "3");
        assertThat(PrintTestBlobs.read(dir.resolve("t.dtb")).bootCpuid()).isEqualTo(3);
    }

    @Test
    void nodeAndPropertyNamesWithEveryAllowedCharacter() throws IOException {
        assertPrintsAsDtc("""
                /dts-v1/;
                / {
                	#a?b*c,d_e.f+g-h = <1>;
                	Node,X_y.z+w-v@1,abc { reg = <1>; };
                	n@0 { };
                	n@deadbeef { };
                	0x12 { };
                };
                """);
    }

    @Test
    void propertiesNamedLikeKeywords() throws IOException {
        assertPrintsAsDtc("""
                /dts-v1/;
                / {
                	delete-node = "x";
                	delete-property;
                	bits = <8>;
                	dts-v1 = [01];
                	memreserve;
                	include = "f";
                	plugin;
                	omit-if-no-ref = <0>;
                	label { };
                };
                """);
    }

    @Test
    void nodeWithAnEmptyNameOpensWithSlash() throws IOException {
        // No source spells such a node; blank out the name "q" in a compiled blob instead.
        Path blob = compile("/dts-v1/;\n/ { p = <1>; q { r = <2>; }; };\n");
        byte[] b = Files.readAllBytes(blob);
        int at = indexOf(b, new byte[] {'q', 0, 0, 0});
        b[at] = 0;
        Files.write(blob, b);
        assertThat(assertBlobPrintsAsDtc(blob)).contains("\n\t/ {\n\t\tr = <0x02>;\n\t};\n");
    }

    @Test
    void redundantNamePropertiesAreDroppedAsDtcChecksDo() throws IOException {
        Path blob = compile("""
                /dts-v1/;
                / {
                	a { x = <1>; };
                	b@1 { reg = <1>; };
                	c { x = <1>; };
                };
                """);
        fdtput(blob, "/", "name", "");
        fdtput(blob, "/a", "name", "a");
        fdtput(blob, "/b@1", "name", "b");
        Fdt read = PrintTestBlobs.read(blob);
        assertThat(read.root().property("name")).isPresent();
        assertThat(read.node("/b@1").orElseThrow().property("name")).isPresent();
        String golden = assertBlobPrintsAsDtc(blob);
        assertThat(golden).doesNotContain("name");
    }

    @Test
    void aNamePropertyThatIsNotTheBaseNameStays() throws IOException {
        // dtc refuses such a tree unless forced (-f); forced, it prints the property, and so do we.
        Path blob = compile("/dts-v1/;\n/ { a@1 { reg = <1>; }; b { }; };\n");
        fdtput(blob, "/a@1", "name", "a@1");
        fdtput(blob, "/b", "name", "zz");
        Dtc.Run golden = Dtc.run(dir, "-q", "-f", "-I", "dtb", "-O", "dts", "t.dtb");
        String expected = new String(golden.stdout(), StandardCharsets.UTF_8);
        assertThat(expected).contains("name = \"a@1\";").contains("name = \"zz\";");
        assertThat(PrintTestBlobs.read(blob).toDts()).isEqualTo(expected);
    }

    @Test
    void largeGeneratedTree() throws IOException {
        StringBuilder s = new StringBuilder("/dts-v1/;\n/memreserve/ 0x1000 0x2000;\n/ {\n");
        for (int i = 0; i < 300; i++) {
            s.append("bus@").append(Integer.toHexString(i)).append(" {\ncompatible = \"vendor,bus\", \"simple-bus\";\n")
                    .append("reg = <").append(i).append(" 0x1000>;\n");
            for (int j = 0; j < 10; j++) {
                s.append("dev").append(j).append(" { id = /bits/ 8 <").append(j).append(">; label = \"d")
                        .append(j).append("\"; };\n");
            }
            s.append("};\n");
        }
        assertPrintsAsDtc(s.append("};\n").toString());
    }

    private void fdtput(Path blob, String node, String prop, String value) {
        try {
            Process p = new ProcessBuilder("fdtput", "-t", "s", blob.toString(), node, prop, value)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("fdtput: %s", out).isZero();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
