package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.domus.image.Arch;
import org.domus.image.ImageFormat;
import org.domus.image.ImageProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --module ADDR=FILE} entries and {@code xen,uefi-binary} names, on real files in a temporary folder. */
class ModuleFilesTest {
    @TempDir
    Path dir;

    private String file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p.toString();
    }

    @Test
    void addressesAreHexWithOrWithout0xAsInUBoot() throws IOException {
        String xen = file("xen", "hypervisor");
        String kernel = file("Image-DomU", "kernel");
        ModuleFiles files = ModuleFiles.of(List.of("0x80000=" + xen, "2000000=" + kernel, "0XFFFF0000=" + xen), null);
        assertThat(files.at(0x80000)).hasValueSatisfying(m -> {
            assertThat(m.origin()).isEqualTo(xen);
            assertThat(m.toArray()).asString().isEqualTo("hypervisor");
            assertThat(m.size()).isEqualTo(10);
        });
        assertThat(files.at(0x2000000).orElseThrow().origin()).isEqualTo(kernel);
        assertThat(files.at(0xffff0000L)).isPresent();
        assertThat(files.at(0x80001)).isEmpty();
        assertThat(files.at(0)).isEmpty();
    }

    /** The origin is the path exactly as given, relative ones included (they resolve against the working folder). */
    @Test
    void originIsThePathAsGiven() throws IOException {
        String absolute = file("ramdisk.cpio.gz", "initrd");
        String relative = Path.of("").toAbsolutePath().relativize(Path.of(absolute)).toString();
        ModuleFiles files = ModuleFiles.of(List.of("0x4000000=" + relative), null);
        assertThat(files.at(0x4000000).orElseThrow().origin()).isEqualTo(relative);
        assertThat(files.at(0x4000000).orElseThrow().toArray()).asString().isEqualTo("initrd");
    }

    @Test
    void addressesAreUnsignedAndListedInOrder() throws IOException {
        String a = file("a", "a");
        String b = file("b", "b");
        String c = file("c", "c");
        ModuleFiles files = ModuleFiles.of(List.of("0xfffffffffffff000=" + a, "0x1000=" + b, "0x8000000000000000=" + c), null);
        assertThat(files.files()).containsExactly(Map.entry(0x1000L, b), Map.entry(0x8000000000000000L, c), Map.entry(0xfffffffffffff000L, a));
        assertThat(files.at(0xfffffffffffff000L).orElseThrow().origin()).isEqualTo(a);
    }

    /** Mapped on first use, then never again; a file changed later is caught before an engine loads it by path. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aFileSwappedForAFifoAfterItWasNamedIsRefusedNotWaitedOn() throws Exception {
        String kernel = file("Image", "kernel");
        ModuleFiles files = ModuleFiles.of(List.of("0x80000=" + kernel), null);
        Files.delete(Path.of(kernel));
        assertThat(new ProcessBuilder("mkfifo", kernel).start().waitFor()).isZero();
        assertThatThrownBy(() -> files.at(0x80000))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(kernel + ": no longer a regular file");
    }

    @Test
    void filesAreReadLazilyAndOnce() throws IOException {
        String kernel = file("Image", "");
        ModuleFiles files = ModuleFiles.of(List.of("0x80000=" + kernel), null);
        Files.writeString(Path.of(kernel), "first");
        ModuleBytes first = files.at(0x80000).orElseThrow();
        assertThat(first.toArray()).asString().isEqualTo("first");
        assertThat(first.unchangedFile()).isEqualTo(Path.of(kernel).toAbsolutePath());
        Files.writeString(Path.of(kernel), "second, longer");
        assertThat(files.at(0x80000).orElseThrow()).isSameAs(first);
        assertThatThrownBy(first::unchangedFile).isInstanceOf(IOException.class)
                .hasMessage(Path.of(kernel).toAbsolutePath() + " changed on disk since it was checked (5 bytes then, 14 now): plan it again");
    }

    @Test
    void aFileGoneBeforeItIsReadIsAClearError() throws IOException {
        String kernel = file("Image", "k");
        ModuleFiles files = ModuleFiles.of(List.of("0x80000=" + kernel), null);
        Files.delete(Path.of(kernel));
        assertThatThrownBy(() -> files.at(0x80000)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("--module 0x80000=" + kernel + ": cannot read " + kernel);
    }

    @Test
    void malformedEntriesNameTheEntry() throws IOException {
        String xen = file("xen", "x");
        assertError("0x0x80000=xen-Image", "--module 0x0x80000=xen-Image: bad address '0x0x80000'");
        assertError("0x80000", "--module 0x80000: expected ADDR=FILE");
        assertError("=" + xen, "--module =" + xen + ": no address");
        assertError("0x=" + xen, "--module 0x=" + xen + ": bad address '0x'");
        assertError("-5=" + xen, "--module -5=" + xen + ": bad address '-5'");
        assertError("+5=" + xen, "--module +5=" + xen + ": bad address '+5'");
        assertError("80000h=" + xen, "--module 80000h=" + xen + ": bad address '80000h'");
        assertError("0x10000000000000000=" + xen, "--module 0x10000000000000000=" + xen + ": address '0x10000000000000000' does not fit in 64 bits");
        assertError("10000000000000000=" + xen, "--module 10000000000000000=" + xen + ": address '10000000000000000' does not fit in 64 bits");
        assertError("0x80000=", "--module 0x80000=: no file name");
    }

    @Test
    void missingFilesAreErrorsWhenTheSourceIsMade() {
        assertError("0x2000000=Image-DomU", "--module 0x2000000=Image-DomU: no such file");
        assertError("0x2000000=" + dir, "--module 0x2000000=" + dir + ": not a regular file");
    }

    @Test
    void anAddressGivenTwiceNamesBothFiles() throws IOException {
        String a = file("Image-DomU1", "a");
        String b = file("Image-DomU2", "b");
        assertThatThrownBy(() -> ModuleFiles.of(List.of("0x80000=" + a, "80000=" + b), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--module 80000=%s: address 0x80000 already given to %s", b, a);
        // One file at two addresses is fine: two domains may boot the same kernel.
        assertThat(ModuleFiles.of(List.of("0x80000=" + a, "0x90000=" + a), null).files()).hasSize(2);
    }

    @Test
    void uefiBinariesResolveAgainstTheBaseFolder() throws IOException {
        String kernel = file("Image-DomU", "domU kernel");
        file("boot/initrd", "initrd");
        ModuleFiles files = ModuleFiles.of(List.of(), dir);
        assertThat(files.uefiBinary("Image-DomU")).hasValueSatisfying(m -> {
            assertThat(m.origin()).isEqualTo(kernel);
            assertThat(m.toArray()).asString().isEqualTo("domU kernel");
        });
        assertThat(files.uefiBinary("boot/initrd").orElseThrow().toArray()).asString().isEqualTo("initrd");
        assertThat(files.uefiBinary(kernel)).isPresent();   // an absolute name is taken as is
        assertThat(files.uefiBinary("missing")).isEmpty();
        assertThat(files.uefiBinary("boot")).isEmpty();     // a folder is no module
        assertThat(files.uefiBinary("")).isEmpty();
        assertThat(files.uefiBinary("a\0b")).isEmpty();
        assertThat(files.at(0x80000)).isEmpty();
    }

    @Test
    void uefiBinariesAreReadOnce() throws IOException {
        String kernel = file("Image-DomU", "first");
        ModuleFiles files = ModuleFiles.of(List.of(), dir);
        ModuleBytes first = files.uefiBinary("Image-DomU").orElseThrow();
        Files.writeString(Path.of(kernel), "second");
        assertThat(files.uefiBinary("Image-DomU").orElseThrow().content()).isSameAs(first.content());
    }

    @Test
    void withoutABaseFolderNoUefiBinaryIsLookedUp() throws IOException {
        file("Image-DomU", "k");
        assertThat(ModuleFiles.of(List.of(), null).uefiBinary("Image-DomU")).isEmpty();
        assertThat(ModuleFiles.of(List.of(), null).files()).isEmpty();
    }

    /** End to end: artefacts given as --module files, read and probed (every format's own tests are in image). */
    @Test
    void modulesFromFilesAreProbed() throws IOException {
        Path kernel = Files.write(dir.resolve("Image.gz"), Payloads.gzip(Payloads.arm64Image(0x10000)));
        Path initrd = Files.write(dir.resolve("initrd.cpio.gz"), Payloads.gzip(Payloads.cpio(0x1000)));
        Path dtb = Files.write(dir.resolve("domU.dtb"), Payloads.dtb(0x100));
        ModuleFiles files = ModuleFiles.of(List.of("0x80080000=" + kernel, "0x84000000=" + initrd, "0x83000000=" + dtb), null);
        assertThat(ImageProbe.probe(files.at(0x80080000L).orElseThrow().content()).arch()).isEqualTo(Arch.ARM64);
        assertThat(ImageProbe.probe(files.at(0x84000000L).orElseThrow().content()).inner()).isEqualTo(ImageFormat.CPIO);
        assertThat(ImageProbe.probe(files.at(0x83000000L).orElseThrow().content()).format()).isEqualTo(ImageFormat.DTB);
    }

    private static void assertError(String entry, String message) {
        assertThatThrownBy(() -> ModuleFiles.of(List.of(entry), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
