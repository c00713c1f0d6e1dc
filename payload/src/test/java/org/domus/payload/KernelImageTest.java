package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.domus.image.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernels made in the test, laid out as an unpacked linux-image package. */
class KernelImageTest {
    @TempDir
    Path tmp;

    private static byte[] arm64Image() {
        byte[] b = new byte[4096];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0x38, 0x644d5241);
        return b;
    }

    private Path unpacked(byte[] vmlinuz) throws Exception {
        Path pkg = Files.createDirectories(tmp.resolve("linux-image-x_1/boot"));
        Files.write(pkg.resolve("vmlinuz-6.1.0-9-cloud-arm64"), vmlinuz);
        Files.writeString(pkg.resolve("config-6.1.0-9-cloud-arm64"), "CONFIG_ARM64=y\n");
        return pkg.getParent();
    }

    @Test
    void aRawImageIsUsedWhereItIs() throws Exception {
        Path dir = unpacked(arm64Image());
        assertThat(KernelImage.locate(dir, Arch.ARM64)).isEqualTo(dir.resolve("boot/vmlinuz-6.1.0-9-cloud-arm64"));
    }

    @Test
    void aGzippedImageIsDecompressedOnceBesideThePackage() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(arm64Image());
        }
        Path dir = unpacked(gz.toByteArray());
        Path image = KernelImage.locate(dir, Arch.ARM64);
        assertThat(image).isEqualTo(tmp.resolve("linux-image-x_1.Image"));
        assertThat(Files.readAllBytes(image)).isEqualTo(arm64Image());
        long written = Files.getLastModifiedTime(image).toMillis();
        Files.setLastModifiedTime(image, java.nio.file.attribute.FileTime.fromMillis(written - 60_000));
        assertThat(KernelImage.locate(dir, Arch.ARM64)).isEqualTo(image);
        assertThat(Files.getLastModifiedTime(image).toMillis()).as("not written again").isEqualTo(written - 60_000);
    }

    @Test
    void anythingElseIsOneClearLine() throws Exception {
        Path dir = unpacked(new byte[4096]);
        assertThatThrownBy(() -> KernelImage.locate(dir, Arch.ARM64))
                .hasMessageEndingWith("vmlinuz-6.1.0-9-cloud-arm64 is not a kernel for arm64 (no ARM\\x64 Image magic)");
        assertThatThrownBy(() -> KernelImage.locate(dir, Arch.X86_64)).hasMessageContaining("(no HdrS bzImage magic)");
    }

    @Test
    void aBzImageHasHdrSAt0x202AfterTheBootFlag() throws Exception {
        byte[] b = new byte[4096];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(0x1fe, (short) 0xaa55).putInt(0x202, 0x53726448);
        assertThat(KernelImage.hasMagic(b, Arch.X86_64)).isTrue();
        assertThat(KernelImage.hasMagic(b, Arch.ARM64)).isFalse();
        assertThat(KernelImage.hasMagic(arm64Image(), Arch.X86_64)).isFalse();
    }
}
