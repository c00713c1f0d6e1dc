package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TftpRootTest {
    @TempDir
    Path work;
    Path dir;
    TftpRoot root;
    byte[] image;

    @BeforeEach
    void files() throws IOException {
        dir = Files.createDirectories(work.resolve("tftp-root"));
        image = new byte[200_000];
        new Random(6).nextBytes(image);
        Files.write(dir.resolve("xen-Image"), image);
        Files.createDirectories(dir.resolve("boards/qemu"));
        Files.writeString(dir.resolve("boards/qemu/boot.scr"), "echo hi\n");
        Files.writeString(work.resolve("secret"), "outside the root\n");
        root = new TftpRoot(dir);
    }

    @Test
    void copiesTheWholeFileAndReportsProgressWithTheTotal() throws IOException {
        var out = new ByteArrayOutputStream();
        List<long[]> progress = new ArrayList<>();

        long size = root.fetch("xen-Image", out, (bytes, total) -> progress.add(new long[] {bytes, total}));

        assertThat(size).isEqualTo(image.length);
        assertThat(out.toByteArray()).isEqualTo(image);
        assertThat(progress.getFirst()).containsExactly(0, image.length);
        assertThat(progress.getLast()).containsExactly(image.length, image.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/xen-Image", "//xen-Image", "./xen-Image", "boards/../xen-Image", "boards/qemu/../../xen-Image"})
    void resolvesNamesAsTftpdHpaWithSecureDoes(String name) throws IOException {
        var out = new ByteArrayOutputStream();
        assertThat(root.fetch(name, out, TransferProgress.NONE)).isEqualTo(image.length);
        assertThat(out.toByteArray()).isEqualTo(image);
    }

    @Test
    void readsFilesInSubfolders() throws IOException {
        var out = new ByteArrayOutputStream();
        root.fetch("/boards/qemu/boot.scr", out, TransferProgress.NONE);
        assertThat(out.toString()).isEqualTo("echo hi\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret", "/../secret", "boards/../../secret", "boards/qemu/../../../secret"})
    void refusesANameThatClimbsOutOfTheRoot(String name) {
        assertThatThrownBy(() -> root.fetch(name, OutputStream.nullOutputStream(), TransferProgress.NONE))
                .isInstanceOf(IOException.class)
                .hasMessage(dir + "/" + name.replaceFirst("^/+", "")
                        + ": refused: '..' leads outside the TFTP root " + dir);
    }

    @Test
    void aMissingFileIsNamedWithItsPath() {
        assertThatThrownBy(() -> root.fetch("Image-DomU", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage(dir + "/Image-DomU: file not found");
        assertThatThrownBy(() -> root.fetch("xen-Image/x", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage(dir + "/xen-Image/x: file not found");
    }

    @Test
    void aMissingRootIsSaidSo() {
        var missing = new TftpRoot(work.resolve("no-such-root"));
        assertThatThrownBy(() -> missing.fetch("xen-Image", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage(work.resolve("no-such-root") + "/xen-Image: file not found (the TFTP root "
                        + work.resolve("no-such-root") + " is not a directory)");
    }

    @Test
    void aDirectoryOrNoNameIsNotAFile() {
        assertThatThrownBy(() -> root.fetch("boards", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage(dir + "/boards: is a directory");
        assertThatThrownBy(() -> root.fetch("/", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage(dir + "/: no file name");
    }

    @Test
    void describesFilesRelativeToTheRootAsTheUserGaveIt() {
        var relative = new TftpRoot(Path.of("tftp-root"));
        assertThat(relative.describe("xen-Image")).isEqualTo("tftp-root/xen-Image");
        assertThat(relative.describe("/xen-Image")).isEqualTo("tftp-root/xen-Image");
        assertThat(new TftpRoot(Path.of("/")).describe("xen.dtb")).isEqualTo("/xen.dtb");
    }

    @Test
    void anErrorOfTheCallersStreamPassesThroughUnchanged() {
        var full = new IOException("board memory: load of xen-Image past the end of memory");
        OutputStream boardMemory = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw full;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw full;
            }
        };
        assertThatThrownBy(() -> root.fetch("xen-Image", boardMemory, TransferProgress.NONE)).isSameAs(full);
    }
}
