package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.domus.fdt.Fdt;
import org.domus.image.ImageFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated example system is valid source for dtc and a valid system for the validator, as written. */
class ExampleSystemTest {
    @Test
    void sourcePlansAsWritten(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("Image"), Payloads.arm64Image(64 * 1024));
        Files.write(dir.resolve("initrd"), Payloads.cpio(4096));
        String source = ExampleSystem.source("line one\nline two", List.of(
                new ExampleSystem.Domain("alpha", 128, 1, "console=ttyAMA0 a=1"),
                new ExampleSystem.Domain("beta", 192, 2, "console=ttyAMA0 b=2")), "Image", "initrd");
        Path file = dir.resolve("system.dts");
        Files.writeString(file, source);

        assertThat(source).startsWith("/*\n * line one\n * line two\n */\n/dts-v1/;");
        assertThat(new ProcessBuilder("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "/dev/null", file.toString())
                .start().waitFor()).as("dtc accepts it").isZero();
        SystemConfig system = Validator.load(Fdt.fromDts(file), ModuleFiles.of(List.of(), dir), new Host(8, 16L << 30));
        assertThat(system.problems()).isEmpty();
        assertThat(system.domains()).extracting(DomainConfig::name, DomainConfig::memoryKib, DomainConfig::cpus, DomainConfig::cmdline)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", 128 * 1024L, 1, "console=ttyAMA0 a=1"),
                        org.assertj.core.groups.Tuple.tuple("beta", 192 * 1024L, 2, "console=ttyAMA0 b=2"));
        assertThat(system.domains().getFirst().kernel().bytes().file()).isEqualTo(dir.resolve("Image").toAbsolutePath().normalize());
        assertThat(system.domains().getFirst().ramdisk().image().format()).isEqualTo(ImageFormat.CPIO);
    }
}
