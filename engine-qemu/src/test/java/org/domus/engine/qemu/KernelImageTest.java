package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.domus.engine.DomainSpec;
import org.domus.engine.EngineException;
import org.domus.image.Arch;
import org.domus.image.ImageFormat;
import org.domus.image.ImageInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelImageTest {
    @TempDir
    Path dir;

    @Test
    void acceptsTheHeadersQemuBoots() throws Exception {
        byte[] arm = new byte[4096];
        System.arraycopy(new byte[] {'A', 'R', 'M', 0x64}, 0, arm, 0x38, 4);
        assertThatCode(() -> KernelImage.check(spec(file("Image", arm), Arch.ARM64))).doesNotThrowAnyException();
        assertThatCode(() -> KernelImage.check(spec(file("Image.gz", gzip(arm)), Arch.ARM64))).doesNotThrowAnyException();

        byte[] bz = new byte[4096];
        ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN).putShort(0x1fe, (short) 0xaa55).putInt(0x202, 0x53726448);
        assertThatCode(() -> KernelImage.check(spec(file("bzImage", bz), Arch.X86_64))).doesNotThrowAnyException();

        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1};
        assertThatCode(() -> KernelImage.check(spec(file("vmlinux", elf), Arch.X86_64))).doesNotThrowAnyException();
    }

    @Test
    void refusesRandomBytesAndTheOtherArchitecturesKernel() throws Exception {
        byte[] junk = new byte[100_000];
        new Random(42).nextBytes(junk);
        junk[0] = 0x55; // not a magic of any kind, whatever the seed
        Path random = file("random", junk);
        assertThatThrownBy(() -> KernelImage.check(spec(random, Arch.ARM64))).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("kernel " + random + " is not an Arm64 Image, gzip or uImage of one, or ELF (it is unknown, starts 55 ");
        assertThatThrownBy(() -> KernelImage.check(spec(random, Arch.X86_64)))
                .hasMessageContaining("is not a bzImage or ELF");

        byte[] bz = new byte[4096];
        ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN).putShort(0x1fe, (short) 0xaa55).putInt(0x202, 0x53726448);
        assertThatThrownBy(() -> KernelImage.check(spec(file("bzImage", bz), Arch.ARM64))).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> KernelImage.check(spec(file("gz", gzip(junk)), Arch.ARM64))).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> KernelImage.check(spec(file("badgz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2}), Arch.ARM64)))
                .hasMessageContaining("(it is gzip (truncated");
        assertThatThrownBy(() -> KernelImage.check(spec(dir.resolve("absent"), Arch.ARM64)))
                .hasMessage("kernel " + dir.resolve("absent") + ": no such file");
    }

    /** A planned domain's kernel was probed with its plan: the engine takes that answer and does not read it again. */
    @Test
    void aKernelProbedWithThePlanIsNotReadAgain() throws Exception {
        Path gone = dir.resolve("deleted-after-planning");
        ImageInfo planned = new ImageInfo(ImageFormat.ARM64_IMAGE, null, Arch.ARM64, "Arm64 Image");
        assertThatCode(() -> KernelImage.check(spec(gone, Arch.ARM64, planned))).doesNotThrowAnyException();
        ImageInfo x86 = new ImageInfo(ImageFormat.BZIMAGE, null, Arch.X86_64, "bzImage, boot protocol 2.15");
        assertThatThrownBy(() -> KernelImage.check(spec(gone, Arch.ARM64, x86)))
                .hasMessage("kernel " + gone + " is not an Arm64 Image, gzip or uImage of one, or ELF (it is bzImage, boot protocol 2.15)");
    }

    private DomainSpec spec(Path kernel, Arch arch) {
        return spec(kernel, arch, null);
    }

    private DomainSpec spec(Path kernel, Arch arch, ImageInfo probed) {
        return new DomainSpec("d", arch, 64 << 20, 1, kernel, null, "", dir, null, probed, null);
    }

    private Path file(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
