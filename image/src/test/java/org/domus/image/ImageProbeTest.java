package org.domus.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every format on real artefacts made at test time ({@link TestImages}): what it is recognised as, its
 * inner format and architecture, and the facts its detail gives. Then damage: every truncation of every
 * artefact's headers, CRC and ISIZE mismatches, corrupt streams, and random and mutated bytes (jqwik), on
 * which the probe must never throw.
 */
class ImageProbeTest {
    private static final String ARM64_DETAIL =
            "Arm64 Image, text_offset 0x0, image_size 36 MiB, 4K pages, little-endian, placed anywhere, EFI stub";

    private static TestImages images() {
        return TestImages.get();
    }

    private static ImageInfo probe(String artefact) {
        return ImageProbe.probe(images().bytes(artefact));
    }

    @Nested
    class Arm {
        @Test
        void arm64ImageHeaderFields() {
            assertThat(probe("Image")).isEqualTo(new ImageInfo(ImageFormat.ARM64_IMAGE, null, Arch.ARM64, ARM64_DETAIL));
        }

        @Test
        void flagsGivePageSizeEndiannessAndPlacement() {
            byte[] image = TestImages.arm64Image();
            ByteBuffer h = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
            h.put(0, (byte) ('M' ^ 1)).putLong(0x08, 0x80000).putLong(0x10, 0x1234567).putLong(0x18, 0b0101);
            assertThat(ImageProbe.probe(image).detail())
                    .isEqualTo("Arm64 Image, text_offset 0x80000, image_size 18.2 MiB, 16K pages, big-endian, placed near the start of RAM");
            h.putLong(0x18, 0b0110);
            assertThat(ImageProbe.probe(image).detail()).contains("64K pages, little-endian");
            h.putLong(0x18, 0);
            assertThat(ImageProbe.probe(image).detail()).contains("page size unspecified");
        }

        @Test
        void pre317HeaderHasNoImageSize() {
            byte[] image = TestImages.arm64Image();
            ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(0x08, 0x80000).putLong(0x10, 0);
            ImageInfo info = ImageProbe.probe(image);
            assertThat(info.format()).isEqualTo(ImageFormat.ARM64_IMAGE);
            assertThat(info.detail()).startsWith("Arm64 Image, image_size 0 (pre-3.17 header: text_offset 0x80000 assumed)");
        }

        @Test
        void arm32ZImageIsNamedButNotSupported() {
            assertThat(probe("zImage32")).isEqualTo(
                    new ImageInfo(ImageFormat.UNKNOWN, null, null, "Arm32 zImage: not supported (no engine runs 32-bit Arm)"));
            byte[] bigEndian = TestImages.zImage32();
            ByteBuffer.wrap(bigEndian).putInt(0x24, 0x016f2818);
            assertThat(ImageProbe.probe(bigEndian).detail()).startsWith("Arm32 zImage");
        }
    }

    @Nested
    class X86 {
        @Test
        void bzImageHeaderAndItsGzipPayload() {
            ImageInfo info = probe("bzImage");
            assertThat(info.format()).isEqualTo(ImageFormat.BZIMAGE);
            assertThat(info.arch()).isEqualTo(Arch.X86_64);
            assertThat(info.inner()).isNull();
            assertThat(info.detail()).isEqualTo("bzImage, boot protocol 2.15, Linux " + TestImages.LINUX_VERSION
                    + ", setup_sects 3, loadflags 0x1 (loaded high), xloadflags 0xb (64-bit entry, loads above 4G), payload gzip (ISIZE %d, matches) of "
                    .formatted(images().bytes("pvh.elf").length) + probe("pvh.elf").detail());
        }

        @Test
        void withoutXlfKernel64ItIsNotA64BitKernel() {
            ImageInfo info = ImageProbe.probe(TestImages.bzImage(0x020f, 0x00, images().bytes("pvh.elf.gz")));
            assertThat(info.format()).isEqualTo(ImageFormat.BZIMAGE);
            assertThat(info.arch()).isNull();
            assertThat(info.detail()).contains("xloadflags 0x0 (no 64-bit entry: not a 64-bit kernel)");
        }

        @Test
        void beforeProtocol212ThereAreNoXloadflags() {
            ImageInfo info = ImageProbe.probe(TestImages.bzImage(0x020a, 0x01, images().bytes("pvh.elf.gz")));
            assertThat(info.arch()).isNull();
            assertThat(info.detail()).startsWith("bzImage, boot protocol 2.10, ").contains("no xloadflags before protocol 2.12");
        }

        @Test
        void aZImageLoadedLowIsTooOld() {
            byte[] image = TestImages.bzImage(0x020f, 0x01, images().bytes("pvh.elf.gz"));
            image[0x211] = 0;
            ImageInfo info = ImageProbe.probe(image);
            assertThat(info.arch()).isNull();
            assertThat(info.detail()).contains("loadflags 0x0 (a zImage, loaded low: too old to boot)");
        }

        @Test
        void otherPayloadCompressionsAreNamedAndABadPayloadOffsetSaid() {
            byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3};
            assertThat(ImageProbe.probe(TestImages.bzImage(0x020f, 0x01, xz)).detail()).endsWith(", payload xz");
            byte[] image = TestImages.bzImage(0x020f, 0x01, xz);
            ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24c, 1 << 30);
            assertThat(ImageProbe.probe(image).detail()).contains("payload of 1 GiB at 0x840 runs past the end of the file");
        }

        @Test
        void setupSectsZeroMeansFour() {
            byte[] image = TestImages.bzImage(0x020f, 0x01, new byte[] {1, 2, 3});
            image[0x1f1] = 0;
            assertThat(ImageProbe.probe(image).detail()).contains("setup_sects 4");
        }
    }

    @Nested
    class Elf {
        @Test
        void pvhEntryNoteMakesAPvhElf() {
            byte[] elf = images().bytes("pvh.elf");
            long entry = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getLong(24);  // e_entry = pvh_start
            assertThat(ImageProbe.probe(elf)).isEqualTo(new ImageInfo(ImageFormat.PVH_ELF, null, Arch.X86_64,
                    "PVH ELF, ELF64 x86-64 executable, PHYS32_ENTRY 0x%x (in PT_NOTE)".formatted(entry)));
        }

        /** Linux's x86-64 head writes the entry as an 8-byte value (a real 6.1 vmlinux's note has descsz 8). */
        @Test
        void anEightByteEntryAsLinuxWritesIt() {
            byte[] elf = images().bytes("pvh-quad.elf");
            long entry = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
            assertThat(ImageProbe.probe(elf).detail()).isEqualTo("PVH ELF, ELF64 x86-64 executable, PHYS32_ENTRY 0x%x (in PT_NOTE)".formatted(entry));
        }

        @Test
        void a32BitPvhKernelRunsOnX86_64Engines() {
            ImageInfo info = probe("pvh32.elf");
            assertThat(info.format()).isEqualTo(ImageFormat.PVH_ELF);
            assertThat(info.arch()).isEqualTo(Arch.X86_64);
            assertThat(info.detail()).startsWith("PVH ELF, ELF32 i386 executable, PHYS32_ENTRY 0x");
        }

        @Test
        void otherElfFilesAreNotBootable() {
            assertThat(probe("plain.elf")).isEqualTo(new ImageInfo(ImageFormat.ELF, null, null,
                    "ELF64 x86-64 executable, no Xen PVH entry note: not bootable as is"));
            assertThat(probe("pv.elf")).isEqualTo(new ImageInfo(ImageFormat.ELF, null, null,
                    "ELF64 x86-64 executable, Xen notes but no PHYS32_ENTRY (a PV-only kernel): not bootable as PVH"));
        }

        @Test
        void theNoteIsFoundInSectionsWhenNoSegmentHasIt() {
            byte[] elf = images().bytes("pvh.elf");
            ByteBuffer h = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            long phoff = h.getLong(32);
            for (int i = 0; i < h.getShort(56); i++) {
                int ph = (int) phoff + i * h.getShort(54);
                if (h.getInt(ph) == 4) {
                    h.putInt(ph, 0);  // PT_NOTE becomes PT_NULL
                }
            }
            assertThat(ImageProbe.probe(elf).detail()).endsWith("(in SHT_NOTE)");
            h.putShort(60, (short) 0);  // and no sections either
            assertThat(ImageProbe.probe(elf).format()).isEqualTo(ImageFormat.ELF);
        }

        @Test
        void withoutSectionsTheSegmentIsEnough() {
            byte[] elf = images().bytes("pvh.elf");
            ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putShort(60, (short) 0).putLong(40, -1);
            assertThat(ImageProbe.probe(elf).format()).isEqualTo(ImageFormat.PVH_ELF);
        }

        @Test
        void pvhIsX86Only() {
            byte[] elf = images().bytes("pvh.elf");
            ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putShort(18, (short) 183);
            ImageInfo info = ImageProbe.probe(elf);
            assertThat(info.format()).isEqualTo(ImageFormat.PVH_ELF);
            assertThat(info.arch()).isNull();
            assertThat(info.detail()).contains("ELF64 AArch64 executable").endsWith(": PVH is x86 only");
        }

        @Test
        void lyingHeadersAreBoundChecked() {
            byte[] elf = images().bytes("pvh.elf");
            ByteBuffer h = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            h.putLong(32, Long.MAX_VALUE - 8).putLong(40, 0x7fff_ffff_ffffL);
            assertThat(ImageProbe.probe(elf).detail()).contains("no Xen PVH entry note");
            byte[] badClass = images().bytes("pvh.elf");
            badClass[4] = 9;
            assertThat(ImageProbe.probe(badClass).detail()).startsWith("ELF with an invalid class");
            assertThat(ImageProbe.probe(Arrays.copyOf(images().bytes("pvh.elf"), 40)).detail())
                    .isEqualTo("ELF64 little-endian, header truncated (40 bytes)");
        }
    }

    @Nested
    class UImage {
        @Test
        void kernelWithoutCompression() {
            ImageInfo info = probe("uImage");
            assertThat(info).isEqualTo(new ImageInfo(ImageFormat.UIMAGE, ImageFormat.ARM64_IMAGE, Arch.ARM64,
                    "uImage 'Linux-6.1' (kernel, Linux, arm64, none, load 0x80080000, entry 0x80080000, CRCs ok) of " + ARM64_DETAIL));
        }

        @Test
        void gzipKernelIsDecompressedAndProbed() {
            assertThat(probe("uImage.gz")).isEqualTo(new ImageInfo(ImageFormat.UIMAGE, ImageFormat.ARM64_IMAGE, Arch.ARM64,
                    "uImage 'Linux-6.1' (kernel, Linux, arm64, gzip, load 0x80080000, entry 0x80080000, CRCs ok) of gzip (ISIZE %d, matches) of %s"
                            .formatted(TestImages.IMAGE_FILE_SIZE, ARM64_DETAIL)));
        }

        @Test
        void headerCrcMismatchIsReportedAndTheImageStillRecognised() {
            byte[] image = images().bytes("uImage");
            image[32] ^= 0x20;   // 'L' of the name becomes 'l'
            ImageInfo info = ImageProbe.probe(image);
            assertThat(info.inner()).isEqualTo(ImageFormat.ARM64_IMAGE);
            assertThat(info.arch()).isEqualTo(Arch.ARM64);
            assertThat(info.detail()).startsWith("uImage 'linux-6.1' (").containsPattern(
                    "header CRC mismatch \\(0x[0-9a-f]+ in header, 0x[0-9a-f]+ computed\\)\\) of Arm64 Image");
        }

        @Test
        void dataCrcMismatchIsReported() {
            byte[] image = images().bytes("uImage");
            image[image.length - 1] ^= 1;     // the kernel's last byte, far from its header
            ImageInfo info = ImageProbe.probe(image);
            assertThat(info.detail()).containsPattern("data CRC mismatch \\(0x[0-9a-f]+ in header, 0x[0-9a-f]+ computed\\)\\) of Arm64 Image")
                    .contains("(kernel, Linux, arm64, none, load 0x80080000, entry 0x80080000, data CRC mismatch (").doesNotContain("header CRC");
            assertThat(info.inner()).isEqualTo(ImageFormat.ARM64_IMAGE);
            // In a gzip'd kernel the same damage also breaks the gzip trailer's own check.
            byte[] gz = images().bytes("uImage.gz");
            gz[gz.length - 1] ^= 1;
            assertThat(ImageProbe.probe(gz).detail()).contains("data CRC mismatch (").contains("of gzip (corrupt: Corrupt GZIP trailer after 65536 bytes decompressed) of Arm64 Image");
        }

        @Test
        void truncatedAndPaddedData() {
            byte[] image = images().bytes("uImage");
            assertThat(ImageProbe.probe(Arrays.copyOf(image, image.length - 100)).detail())
                    .contains("data truncated: %d of %d bytes".formatted(TestImages.IMAGE_FILE_SIZE - 100, TestImages.IMAGE_FILE_SIZE));
            assertThat(ImageProbe.probe(Arrays.copyOf(image, image.length + 4)).detail()).contains("4 bytes after the data");
            assertThat(ImageProbe.probe(Arrays.copyOf(image, 63)))
                    .isEqualTo(new ImageInfo(ImageFormat.UIMAGE, null, null, "uImage, header truncated (63 of 64 bytes)"));
        }

        @Test
        void ramdiskOfAGzipCpio() {
            ImageInfo info = probe("uInitrd");
            assertThat(info).isEqualTo(new ImageInfo(ImageFormat.UIMAGE, ImageFormat.CPIO, null,
                    "uImage 'initramfs' (ramdisk, Linux, arm64, none, load 0x0, entry 0x0, CRCs ok) of " + probe("initrd.cpio.gz").detail()));
        }

        @Test
        void script() throws IOException {
            long text = Files.size(images().dir.resolve("boot.cmd"));
            assertThat(probe("boot.scr")).isEqualTo(new ImageInfo(ImageFormat.UIMAGE, null, null,
                    "uImage 'boot' (script, Linux, arm64, none, load 0x0, entry 0x0, CRCs ok), a U-Boot script of %d bytes".formatted(text)));
        }

        @Test
        void multiFileImageIsNamedByItsFirstPart() {
            ImageInfo info = probe("multi.img");
            assertThat(info.inner()).isEqualTo(ImageFormat.ARM64_IMAGE);
            assertThat(info.arch()).isEqualTo(Arch.ARM64);
            assertThat(info.detail()).isEqualTo("uImage 'multi' (multi, Linux, arm64, none, load 0x0, entry 0x0, CRCs ok), 2 parts (64 KiB, %d bytes), first %s"
                    .formatted(images().bytes("initrd.cpio.gz").length, ARM64_DETAIL));
        }

        @Test
        void x86KernelInAUImage() {
            ImageInfo info = probe("uImage-x86");
            assertThat(info.inner()).isEqualTo(ImageFormat.BZIMAGE);
            assertThat(info.arch()).isEqualTo(Arch.X86_64);
            // uImage, bzImage, then the payload's gzip would be a fourth level
            assertThat(info.detail()).endsWith("payload gzip, not looked into: nested more than 3 levels");
        }

        @Test
        void headerClaimsThatDisagreeWithThePayload() {
            assertThat(probe("uImage-arm32-header").detail()).contains("CRCs ok, header says arm but the kernel is arm64) of Arm64 Image");
            assertThat(probe("uImage-none-of-gz").detail()).contains("CRCs ok, header says no compression but the kernel is gzip'd) of gzip");
        }
    }

    @Nested
    class Gzip {
        @Test
        void gzipKernel() {
            assertThat(probe("Image.gz")).isEqualTo(new ImageInfo(ImageFormat.GZIP, ImageFormat.ARM64_IMAGE, Arch.ARM64,
                    "gzip (ISIZE %d, matches) of %s".formatted(TestImages.IMAGE_FILE_SIZE, ARM64_DETAIL)));
        }

        @Test
        void gzipCpioIsAnInitramfs() {
            ImageInfo info = probe("initrd.cpio.gz");
            assertThat(info.format()).isEqualTo(ImageFormat.GZIP);
            assertThat(info.inner()).isEqualTo(ImageFormat.CPIO);
            assertThat(info.arch()).isNull();
            assertThat(info.detail()).isEqualTo("gzip (ISIZE %d, matches) of cpio newc, 6 entries".formatted(images().bytes("initrd.cpio").length));
        }

        /** Padding after the stream (a 4-byte-aligned copy, say) puts zeros where Xen reads the size. */
        @Test
        void paddingMakesIsizeWrong() {
            ImageInfo info = ImageProbe.probe(Arrays.copyOf(images().bytes("Image.gz"), images().bytes("Image.gz").length + 8));
            assertThat(info.inner()).isEqualTo(ImageFormat.ARM64_IMAGE);
            assertThat(info.detail()).startsWith("gzip (ISIZE 0 but %d bytes decompressed: Xen would trust ISIZE) of Arm64 Image"
                    .formatted(TestImages.IMAGE_FILE_SIZE));
        }

        @Test
        void truncatedStreamKeepsWhatCameOut() {
            byte[] gz = images().bytes("Image.gz");
            ImageInfo info = ImageProbe.probe(Arrays.copyOf(gz, gz.length / 2));
            assertThat(info.format()).isEqualTo(ImageFormat.GZIP);
            assertThat(info.inner()).isEqualTo(ImageFormat.ARM64_IMAGE);
            assertThat(info.detail()).matches("gzip \\(truncated after \\d+ bytes decompressed\\) of Arm64 Image.*");
            assertThat(ImageProbe.probe(Arrays.copyOf(gz, 12)).detail()).isEqualTo("gzip (truncated after 0 bytes decompressed), nothing decompressed");
        }

        @Test
        void corruptStream() {
            byte[] gz = images().bytes("initrd.cpio.gz");
            gz[gz.length - 6] ^= 0x55;   // the CRC32 trailer
            assertThat(ImageProbe.probe(gz).detail()).startsWith("gzip (corrupt: ").endsWith("of cpio newc, 6 entries");
            byte[] garbage = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0};
            assertThat(ImageProbe.probe(garbage).detail()).startsWith("gzip (corrupt: ").endsWith("nothing decompressed");
        }

        @Test
        void decompressionIsBounded() {
            byte[] bomb = gzip(new byte[4 << 20]);
            ImageInfo info = ImageProbe.probe(bomb, 1 << 20);
            assertThat(info.detail()).startsWith("gzip (stopped after 1 MiB: the decompression limit) of unknown, starts 00 00");
            // The budget is for the whole run: a gzip of that gzip gets no more.
            assertThat(ImageProbe.probe(gzip(bomb), 1 << 20).detail()).contains("stopped after");
        }

        @Test
        void nestingStopsAfterThreeLevels() {
            byte[] twice = gzip(images().bytes("uImage.gz"));
            ImageInfo info = ImageProbe.probe(twice);
            assertThat(info.format()).isEqualTo(ImageFormat.GZIP);
            // gzip, uImage, gzip: the third level is not opened, so the innermost format found is that gzip
            assertThat(info.inner()).isEqualTo(ImageFormat.GZIP);
            assertThat(info.arch()).isNull();
            assertThat(info.detail()).startsWith("gzip (ISIZE").contains(" of uImage 'Linux-6.1' (")
                    .endsWith(", not looked into: nested more than 3 levels");
        }
    }

    @Nested
    class Cpio {
        @Test
        void newcAndCrc() {
            assertThat(probe("initrd.cpio")).isEqualTo(new ImageInfo(ImageFormat.CPIO, null, null, "cpio newc, 6 entries"));
            assertThat(probe("initrd-crc.cpio")).isEqualTo(new ImageInfo(ImageFormat.CPIO, null, null, "cpio crc, 6 entries"));
        }

        @Test
        void oldFormatsAreRecognisedButLinuxDoesNotReadThem() {
            assertThat(probe("initrd-odc.cpio").detail()).isEqualTo("cpio (portable ASCII \"odc\" format): Linux initramfs reads only newc");
            assertThat(probe("initrd-bin.cpio").detail()).isEqualTo("cpio (old binary format, little-endian): Linux initramfs reads only newc");
            byte[] bigEndian = images().bytes("initrd-bin.cpio");
            bigEndian[0] = 0x71;
            bigEndian[1] = (byte) 0xc7;
            assertThat(ImageProbe.probe(bigEndian).detail()).contains("big-endian");
        }

        @Test
        void anEarlyArchiveFollowedByACompressedOne() {
            int plain = images().bytes("initrd.cpio").length;
            assertThat(probe("initrd-early.cpio")).isEqualTo(new ImageInfo(ImageFormat.CPIO, null, null,
                    "cpio newc, 6 entries, then at 0x%x %s".formatted(plain, probe("initrd.cpio.gz").detail())));
        }

        @Test
        void truncatedArchives() {
            byte[] cpio = images().bytes("initrd.cpio");
            assertThat(ImageProbe.probe(Arrays.copyOf(cpio, 200)).detail()).startsWith("cpio newc, 1 entries, truncated inside the header at offset 0x70");
            assertThat(ImageProbe.probe(Arrays.copyOf(cpio, 0x70)).detail()).isEqualTo("cpio newc, 1 entries, no trailer: the archive ends at offset 0x70");
            byte[] junk = Arrays.copyOf(cpio, 0x200);
            junk[0x70] = 'x';
            assertThat(ImageProbe.probe(junk).detail()).isEqualTo("cpio newc, 1 entries, no trailer: no cpio header at offset 0x70");
            byte[] badHex = images().bytes("initrd.cpio");
            badHex[6 + 11 * 8] = 'z';
            assertThat(ImageProbe.probe(badHex).detail()).isEqualTo("cpio newc, 0 entries, truncated or corrupt entry at offset 0x0");
        }
    }

    @Nested
    class Dtb {
        @Test
        void totalsizeAgainstTheBytes() {
            byte[] dtb = images().bytes("domU.dtb");
            assertThat(ImageProbe.probe(dtb)).isEqualTo(new ImageInfo(ImageFormat.DTB, null, null,
                    "DTB, version 17, totalsize %d = file size".formatted(dtb.length)));
            assertThat(ImageProbe.probe(Arrays.copyOf(dtb, dtb.length + 10)).detail())
                    .isEqualTo("DTB, version 17, totalsize %d, then 10 more bytes".formatted(dtb.length));
            assertThat(ImageProbe.probe(Arrays.copyOf(dtb, 30)).detail())
                    .isEqualTo("DTB, version 17, truncated: totalsize %d but only 30 bytes".formatted(dtb.length));
            assertThat(ImageProbe.probe(Arrays.copyOf(dtb, 12)).detail())
                    .isEqualTo("DTB, truncated: totalsize %d but only 12 bytes".formatted(dtb.length));
            assertThat(ImageProbe.probe(Arrays.copyOf(dtb, 6)).detail()).isEqualTo("DTB, header truncated (6 bytes)");
        }
    }

    @Nested
    class Unknown {
        @Test
        void emptyAndNull() {
            assertThat(ImageProbe.probe(new byte[0])).isEqualTo(new ImageInfo(ImageFormat.UNKNOWN, null, null, "empty"));
            assertThat(ImageProbe.probe((byte[]) null).detail()).isEqualTo("empty");
        }

        @Test
        void firstBytesInHex() {
            assertThat(ImageProbe.probe("hello, world: not a kernel".getBytes()).detail())
                    .isEqualTo("unknown, starts 68 65 6c 6c 6f 2c 20 77 6f 72 6c 64 3a 20 6e 6f …");
            assertThat(ImageProbe.probe(new byte[] {1, 2}).detail()).isEqualTo("unknown, starts 01 02");
        }

        @Test
        void otherCompressionsAndPeFilesAreNamed() {
            assertThat(ImageProbe.probe(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0}).detail())
                    .startsWith("zstd data (not decompressed by Domus), starts 28 b5 2f fd");
            assertThat(ImageProbe.probe("BZh91AY&SY".getBytes()).detail()).startsWith("bzip2 data");
            assertThat(ImageProbe.probe(new byte[] {'M', 'Z', 0, 0}).detail()).startsWith("PE/COFF executable");
        }
    }

    // ---- damage: the probe never throws, and a header's truncations stay what they were ----

    /** The longest header looked at before any payload: the bzImage setup header ends at 0x26c. */
    private static final int LONGEST_HEADER = 0x270;

    @Test
    void everyTruncationOfEveryArtefact() {
        for (Map.Entry<String, byte[]> e : images().all().entrySet()) {
            byte[] full = e.getValue();
            ImageFormat format = ImageProbe.probe(full).format();
            int upTo = Math.min(full.length, 4096);
            for (int length = 0; length <= upTo; length++) {
                ImageInfo info = neverThrows(Arrays.copyOf(full, length));
                if (length >= LONGEST_HEADER && format != ImageFormat.PVH_ELF) {
                    assertThat(info.format()).as("%s cut to %d bytes: %s", e.getKey(), length, info.detail()).isEqualTo(format);
                }
            }
            for (int cut = 1; cut <= 64 && cut < full.length; cut++) {
                neverThrows(Arrays.copyOf(full, full.length - cut));
            }
        }
    }

    /** Whatever comes back, it is not the safety net's "could not be probed", which would mean a bug. */
    static ImageInfo neverThrows(byte[] bytes) {
        ImageInfo info = ImageProbe.probe(bytes);
        assertThat(info.format()).isNotNull();
        assertThat(info.detail()).isNotBlank().doesNotContain("could not be probed");
        return info;
    }

    @net.jqwik.api.Property(tries = 3000)
    void randomBytes(@ForAll @Size(max = 2048) byte[] bytes) {
        Statistics.collect(neverThrows(bytes).format());
    }

    /** Random bytes behind each format's magic, so that every header reader sees garbage fields. */
    @net.jqwik.api.Property(tries = 3000)
    void randomBytesBehindAMagic(@ForAll("behindMagic") byte[] bytes) {
        Statistics.collect(neverThrows(bytes).format());
    }

    /** Real artefacts with a few bytes changed, often in their headers, and sometimes cut. */
    @net.jqwik.api.Property(tries = 3000)
    void mutatedArtefacts(@ForAll("mutants") byte[] bytes) {
        Statistics.collect(neverThrows(bytes).format());
    }

    @Provide
    Arbitrary<byte[]> behindMagic() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1200);
        return Combinators.combine(Arbitraries.integers().between(0, 6), noise).as((which, b) -> {
            byte[] out = Arrays.copyOf(b, Math.max(b.length, 0x270));
            ByteBuffer h = ByteBuffer.wrap(out);
            switch (which) {
                case 0 -> h.put(0, new byte[] {0x1f, (byte) 0x8b, 8});
                case 1 -> h.putInt(0, 0x27051956);
                case 2 -> h.put(0, new byte[] {0x7f, 'E', 'L', 'F', (byte) (1 + (out[4] & 1)), (byte) (1 + (out[5] & 1))});
                case 3 -> h.put(0, "070701".getBytes());
                case 4 -> h.order(ByteOrder.LITTLE_ENDIAN).putShort(0x1fe, (short) 0xaa55).put(0x202, "HdrS".getBytes());
                case 5 -> h.order(ByteOrder.LITTLE_ENDIAN).putInt(0x38, 0x644d5241);
                default -> h.putInt(0, 0xd00dfeed);
            }
            // The kernels' magic sits past the start, so they keep a header's length; the rest may be short.
            return which == 4 || which == 5 ? out : Arrays.copyOf(out, Math.min(out.length, b.length + 8));
        });
    }

    @Provide
    Arbitrary<byte[]> mutants() {
        List<byte[]> corpus = List.copyOf(images().all().values());
        Arbitrary<byte[]> base = Arbitraries.of(corpus);
        Arbitrary<List<int[]>> edits = Arbitraries.integers().between(0, 0x7fffffff).array(int[].class).ofSize(2)
                .list().ofMinSize(1).ofMaxSize(8);
        Arbitrary<Integer> cut = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(-1)), net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 1 << 20)));
        return Combinators.combine(base, edits, cut, Arbitraries.integers().between(0, 1)).as((b, list, at, headerOnly) -> {
            byte[] out = b.clone();
            for (int[] edit : list) {
                // Half the edits land in the first 0x300 bytes, where the headers are.
                int span = headerOnly == 1 ? Math.min(out.length, 0x300) : out.length;
                if (span > 0) {
                    out[edit[0] % span] = (byte) edit[1];
                }
            }
            return at < 0 ? out : Arrays.copyOf(out, Math.min(out.length, at));
        });
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
