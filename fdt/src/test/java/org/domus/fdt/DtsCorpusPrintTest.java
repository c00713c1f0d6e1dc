package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every corpus blob with a reference decompilation prints byte for byte as dtc 1.6.1 printed it. */
class DtsCorpusPrintTest {
    static List<Path> blobs() throws IOException {
        List<Path> all = new java.util.ArrayList<>();
        for (String dir : List.of("dtc-tests", "linux")) {
            try (Stream<Path> s = Files.list(TestCorpus.root().resolve(dir))) {
                s.filter(f -> f.toString().endsWith(".dtb"))
                        .filter(f -> Files.exists(TestCorpus.sibling(f, ".roundtrip.dts")))
                        .sorted().forEach(all::add);
            }
        }
        return all;
    }

    @Test
    void corpusIsThere() throws IOException {
        // 109 of dtc's tests and 17 Linux boards; a shrinking corpus must not pass silently.
        assertThat(blobs()).hasSizeGreaterThanOrEqualTo(126);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blobs")
    void printsAsDtc(Path dtb) throws IOException {
        byte[] expected = Files.readAllBytes(TestCorpus.sibling(dtb, ".roundtrip.dts"));
        // TODO: Fdt.fromDtb(Files.readAllBytes(dtb)) once the real reader lands.
        String ours = PrintTestBlobs.read(dtb).toDts();
        assertThat(ours).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(ours.getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
