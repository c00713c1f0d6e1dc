package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one place where Domus departs from dtc on purpose: a source that deletes its root node. dtc 1.6.1
 * writes a blob without a root that no reader accepts, dtc itself included; Domus refuses the source.
 */
class DtsDeletedRootTest {
    @ParameterizedTest
    @ValueSource(strings = {"/delete-node/ &{/};", "/omit-if-no-ref/ &{/};", "/delete-node/ &top;", "/omit-if-no-ref/ &top;"})
    void aDeletedRootIsRefusedWhereDtcWritesAnUnreadableBlob(String deletion, @TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("gone.dts");
        Files.writeString(src, "/dts-v1/;\n/ {\n\ta { };\n};\ntop: &{/} { };\n" + deletion + "\n");

        Dtc.Run written = Dtc.compile(src);
        assertThat(written.ok()).as("dtc accepts the source").isTrue();
        Files.write(tmp.resolve("gone.dtb"), written.stdout());
        assertThat(Dtc.decompile(tmp.resolve("gone.dtb")).ok()).as("dtc reads back its own blob").isFalse();

        assertThatThrownBy(() -> Fdt.fromDts(src)).isInstanceOf(DtsException.class)
                .hasMessage(src + ":2:3: ERROR: the root node is deleted, so there is no tree to write");
    }
}
