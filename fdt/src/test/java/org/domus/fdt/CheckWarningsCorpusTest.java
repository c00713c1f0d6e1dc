package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.domus.fdt.internal.source.TreeBuilder;
import org.domus.fdt.internal.source.TreeSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dtc's warnings are not errors, but some of its warning checks decide whether dtc dies on a tree, so they
 * are reproduced in full. For every tree of the corpus, our warnings must be dtc's (made at test time),
 * line for line in dtc's order; only the source positions are left out of the comparison.
 */
class CheckWarningsCorpusTest {
    private static final Pattern MESSAGE = Pattern.compile("^.*?: ((?:Warning|ERROR) \\(\\w+\\): .*)$");

    static Stream<Path> sources() {
        return Stream.concat(TestCorpus.compileCases("dtc-tests").stream(), TestCorpus.compileCases("linux").stream())
                .map(dtb -> TestCorpus.sibling(dtb, ".dts"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void sameWarningsAsDtc(Path dts) throws Exception {
        TreeBuilder.Result ours = TreeBuilder.compile(TreeSource.parse(dts, List.of()), false);
        Dtc.Run dtc = Dtc.run(dts.getParent(), "-I", "dts", "-O", "dtb", "-o", "/dev/null",
                dts.getFileName().toString());
        assertThat(dtc.ok()).as(dtc.stderr()).isTrue();
        assertThat(checkMessages(ours.warnings())).isEqualTo(checkMessages(dtc.stderr()));
    }

    /** The check messages of dtc's stderr, without their positions (dtc prints "file:L.C-L.C", we "file:L:C"). */
    static List<String> checkMessages(String stderr) {
        return checkMessages(Arrays.asList(stderr.split("\n")));
    }

    static List<String> checkMessages(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = MESSAGE.matcher(line);
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
