package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every source of the corpus that dtc 1.6.1 compiles: our blob must be the one dtc wrote, byte for byte. */
class DtsCompileCorpusTest {

    static Stream<Path> blobs() {
        return Stream.concat(TestCorpus.compileCases("dtc-tests").stream(), TestCorpus.compileCases("linux").stream());
    }

    @Test
    void corpusIsThere() {
        assertThat(blobs().count()).isGreaterThan(100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blobs")
    void sameBlobAsDtc(Path dtb) throws Exception {
        byte[] ours = Fdt.fromDts(TestCorpus.sibling(dtb, ".dts")).toDtb();
        assertThat(ours).isEqualTo(Files.readAllBytes(dtb));
    }
}
