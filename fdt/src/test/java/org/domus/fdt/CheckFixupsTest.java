package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.domus.fdt.internal.source.TreeBuilder;
import org.domus.fdt.internal.source.TreeSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixups on source trees: phandle numbering, path references, explicit phandles, /omit-if-no-ref/, the
 * "name" property, boot CPU guessing, and the overlay trees (/__fixups__, /__local_fixups__, /__symbols__).
 * Each fixture in {@code dts-checks/} is compiled with and without {@code -@}, by us and by dtc 1.6.1 at
 * test time: the blobs must be identical, and so must the warnings (their positions aside).
 */
class CheckFixupsTest {

    static Path dir() {
        try {
            return Path.of(CheckFixupsTest.class.getResource("/dts-checks").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> fixtures() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir())) {
            for (String n : s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dts")).sorted().toList()) {
                out.add(Arguments.of(n, false));
                out.add(Arguments.of(n, true));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} symbols={1}")
    @MethodSource("fixtures")
    void sameAsDtc(String name, boolean symbols) throws Exception {
        Path file = dir().resolve(name);
        TreeBuilder.Result ours = TreeBuilder.compile(TreeSource.parse(file, List.of()), symbols);
        Dtc.Run dtc = symbols
                ? Dtc.run(dir(), "-@", "-I", "dts", "-O", "dtb", name)
                : Dtc.run(dir(), "-I", "dts", "-O", "dtb", name);
        assertThat(dtc.ok()).as(dtc.stderr()).isTrue();
        assertThat(ours.fdt().toDtb()).isEqualTo(dtc.stdout());
        assertThat(CheckWarningsCorpusTest.checkMessages(ours.warnings())).isEqualTo(CheckWarningsCorpusTest.checkMessages(dtc.stderr()));
    }
}
