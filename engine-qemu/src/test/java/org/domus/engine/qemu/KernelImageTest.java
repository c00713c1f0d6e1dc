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

import org.domus.engine.EngineException;
import org.domus.engine.GuestArch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelImageTest {
    @TempDir
    Path dir;

    @Test
    void acceptsTheHeadersQemuBoots() throws Exception {
        byte[] arm = new byte[4096];
        System.arraycopy(new byte[] {'A', 'R', 'M', 0x64}, 0, arm, 0x38, 4);
        assertThatCode(() -> KernelImage.check(file("Image", arm), GuestArch.ARM64)).doesNotThrowAnyException();
        assertThatCode(() -> KernelImage.check(file("Image.gz", gzip(arm)), GuestArch.ARM64)).doesNotThrowAnyException();

        byte[] bz = new byte[4096];
        System.arraycopy(new byte[] {'H', 'd', 'r', 'S'}, 0, bz, 0x202, 4);
        assertThatCode(() -> KernelImage.check(file("bzImage", bz), GuestArch.X86_64)).doesNotThrowAnyException();

        byte[] mb = new byte[4096];
        ByteBuffer.wrap(mb).order(ByteOrder.LITTLE_ENDIAN).putInt(0x100, 0x1BADB002).putInt(0x104, 3).putInt(0x108, -(0x1BADB002 + 3));
        assertThatCode(() -> KernelImage.check(file("multiboot", mb), GuestArch.X86_64)).doesNotThrowAnyException();

        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1};
        assertThatCode(() -> KernelImage.check(file("vmlinux", elf), GuestArch.X86_64)).doesNotThrowAnyException();
    }

    @Test
    void refusesRandomBytesAndTheOtherArchitecturesKernel() throws Exception {
        byte[] junk = new byte[100_000];
        new Random(42).nextBytes(junk);
        junk[0] = 0x55; // not a magic of any kind, whatever the seed
        Path random = file("random", junk);
        assertThatThrownBy(() -> KernelImage.check(random, GuestArch.ARM64)).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("kernel " + random + " is not an Arm64 Image, gzip of one, ELF or uImage (it starts 55 ");
        assertThatThrownBy(() -> KernelImage.check(random, GuestArch.X86_64))
                .hasMessageContaining("is not a bzImage, ELF or multiboot kernel");

        byte[] bz = new byte[4096];
        System.arraycopy(new byte[] {'H', 'd', 'r', 'S'}, 0, bz, 0x202, 4);
        assertThatThrownBy(() -> KernelImage.check(file("bzImage", bz), GuestArch.ARM64)).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> KernelImage.check(file("gz", gzip(junk)), GuestArch.ARM64)).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> KernelImage.check(file("badgz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2}), GuestArch.ARM64))
                .hasMessageContaining("gzip data is corrupt");
        assertThatThrownBy(() -> KernelImage.check(dir.resolve("absent"), GuestArch.ARM64))
                .hasMessage("kernel " + dir.resolve("absent") + ": no such file");
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
