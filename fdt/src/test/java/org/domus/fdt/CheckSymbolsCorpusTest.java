package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.domus.fdt.internal.source.TreeBuilder;
import org.domus.fdt.internal.source.TreeSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus again, compiled with dtc's {@code -@}: /__symbols__, the phandles it hands to every labelled node,
 * and labelled /omit-if-no-ref/ nodes kept. dtc 1.6.1 makes the reference blob at test time.
 */
class CheckSymbolsCorpusTest {

    static Stream<Path> sources() {
        return CheckWarningsCorpusTest.sources();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void sameBlobAsDtcWithSymbols(Path dts) throws Exception {
        byte[] ours = TreeBuilder.build(TreeSource.parse(dts, List.of()), true).toDtb();
        Dtc.Run dtc = Dtc.run(dts.getParent(), "-@", "-I", "dts", "-O", "dtb", dts.getFileName().toString());
        assertThat(dtc.ok()).as(dtc.stderr()).isTrue();
        assertThat(ours).isEqualTo(dtc.stdout());
    }
}
