package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.domus.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadProgressTest {
    private static final DebianPackage PKG = new DebianPackage("linux-image-6.1.0-56-cloud-arm64-unsigned", "arm64",
            "6.1.192-2", 21_390_000, "");

    @TempDir
    Path tmp;

    @Test
    void aLogGetsOneLineWithoutCarriageReturns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DownloadProgress line = new DownloadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, PKG, tmp);
        line.start();
        line.done();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .matches("domus: fetching linux-image-6.1.0-56-cloud-arm64-unsigned 6.1.192-2 20.4 MiB… done in \\d+\\.\\d s\n");
    }

    @Test
    void aTerminalSeesTheCountGrowOnOneLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DownloadProgress line = new DownloadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, PKG, tmp);
        line.start();
        Files.write(tmp.resolve("partial.deb"), new byte[3 << 20]);
        Await.until(() -> bytes.toString(StandardCharsets.UTF_8).contains(" 3.0/20.4 MiB…"), Duration.ofSeconds(30),
                "the progress line to count the 3 MiB written");
        line.failed();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\rdomus: fetching linux-image-6.1.0-56-cloud-arm64-unsigned 6.1.192-2 0.0/20.4 MiB…")
                .contains("\rdomus: fetching linux-image-6.1.0-56-cloud-arm64-unsigned 6.1.192-2 3.0/20.4 MiB…")
                .endsWith("\rdomus: fetching linux-image-6.1.0-56-cloud-arm64-unsigned 6.1.192-2 20.4 MiB… failed\033[K\n");
        assertThat(out.chars().filter(c -> c == '\n')).hasSize(1);
    }
}
