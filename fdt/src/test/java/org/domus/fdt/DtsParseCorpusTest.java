package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.domus.fdt.internal.source.DtInfo;
import org.domus.fdt.internal.source.TreeSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DTS front end over the corpus: every tree dtc 1.6.1 compiles parses, compiles to the very
 * blob dtc wrote, and every input dtc's parser rejects is rejected with a position.
 */
class DtsParseCorpusTest {
    /** A diagnostic line: {@code file:line:col: message}. */
    static final Pattern DIAGNOSTIC = Pattern.compile("[^\\n]*:-?\\d+:\\d+: .+");

    static List<Path> compiledSources() {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("dtc-tests", "linux")) {
            for (Path dtb : TestCorpus.compileCases(dir)) {
                all.add(TestCorpus.sibling(dtb, ".dts"));
            }
        }
        return all;
    }

    /** dtc-tests-bad inputs whose .err shows dtc's parser (not its checks) rejecting them. */
    static List<Path> parserRejects() {
        return TestCorpus.badSources().stream().filter(DtsParseCorpusTest::rejectedByParser).toList();
    }

    /** dtc-tests-bad inputs that dtc's checks reject: the parser must build a tree for them. */
    static List<Path> checkRejects() {
        return TestCorpus.badSources().stream().filter(f -> !rejectedByParser(f)).toList();
    }

    static boolean rejectedByParser(Path dts) {
        try {
            String err = Files.readString(TestCorpus.sibling(dts, ".err"));
            return err.contains("parsing input tree") || err.contains("Unable to parse input tree")
                    || err.contains("Couldn't open");   // an /include/ that is not there stops the front end
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void corpusIsThere() {
        assertThat(compiledSources()).hasSizeGreaterThan(100);
        assertThat(parserRejects()).hasSizeGreaterThanOrEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compiledSources")
    void parses(Path dts) throws Exception {
        DtInfo info = TreeSource.parse(dts, List.of());
        assertThat(info.root).isNotNull();
        assertThat(info.v1).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compiledSources")
    void compilesToDtcsBlob(Path dts) throws Exception {
        byte[] expected = Files.readAllBytes(TestCorpus.sibling(dts, ".dtb"));
        assertThat(Fdt.fromDts(dts).toDtb()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parserRejects")
    void parserRejectsWithPosition(Path dts) {
        assertThatThrownBy(() -> TreeSource.parse(dts, List.of()))
                .isInstanceOfSatisfying(DtsException.class, e -> {
                    assertThat(e.diagnostics()).isNotEmpty().allMatch(d -> DIAGNOSTIC.matcher(d).matches());
                });
    }

    /** The rest of dtc-tests-bad fail in dtc's checks; the parser builds their tree and the checks reject it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("checkRejects")
    void checksReject(Path dts) throws Exception {
        assertThat(TreeSource.parse(dts, List.of()).root).isNotNull();
        assertThatThrownBy(() -> Fdt.fromDts(dts)).isInstanceOf(DtsException.class);
    }
}
