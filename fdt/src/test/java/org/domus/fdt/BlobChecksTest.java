package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dtc checks a tree read from a blob before printing it. Blobs forced out of every rejected corpus source
 * ({@code dtc -f}) are decompiled by dtc at test time; {@link Fdt#check} must refuse exactly the ones dtc refuses.
 */
class BlobChecksTest {
    static Stream<Path> badSources() {
        return TestCorpus.badSources().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSources")
    void blobChecksAgreeWithDtc(Path source, @TempDir Path tmp) throws Exception {
        Dtc.Run forced = Dtc.run(source.getParent(), "-f", "-q", "-I", "dts", "-O", "dtb", source.getFileName().toString());
        if (!forced.ok() || forced.stdout().length == 0) {
            return; // a parse error: there is no blob to check
        }
        Path dtb = tmp.resolve("forced.dtb");
        Files.write(dtb, forced.stdout());
        Dtc.Run reference = Dtc.decompile(dtb);
        Fdt fdt = Fdt.fromDtb(forced.stdout());
        if (reference.ok()) {
            assertThat(fdt.check("forced.dtb")).isNotNull();
            assertThat(fdt.toDts()).isEqualTo(new String(reference.stdout(), java.nio.charset.StandardCharsets.ISO_8859_1));
        } else {
            String check = reference.stderr().replaceAll("(?s).*ERROR \\(([a-z_]+)\\).*", "$1");
            assertThatThrownBy(() -> fdt.check("forced.dtb")).isInstanceOf(DtsException.class)
                    .hasMessageContaining("forced.dtb").hasMessageContaining("ERROR (" + check + ")");
        }
    }
}
