package org.domus.image;

import org.domus.testsupport.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Boot artefacts made at test time, never committed: by the real tools wherever one exists (mkimage, cpio,
 * gzip, dtc, gcc), and by hand from the boot documents where none does (the Arm64 Image and bzImage
 * headers: no kernel build here). Built once per test JVM into a temporary folder.
 */
final class TestImages {
    static final String LINUX_VERSION =
            "6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)";
    /** Size of the synthetic Arm64 Image file (its image_size header says 36 MiB, as a real one's would). */
    static final int IMAGE_FILE_SIZE = 64 << 10;

    private static TestImages instance;

    final Path dir;
    private final Map<String, byte[]> all = new LinkedHashMap<>();

    static synchronized TestImages get() {
        if (instance == null) {
            instance = new TestImages();
        }
        return instance;
    }

    /** Every artefact by name, for the tests that run over all of them (truncation, mutation). */
    Map<String, byte[]> all() {
        return all;
    }

    byte[] bytes(String name) {
        byte[] b = all.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no test image " + name);
        }
        return b.clone();
    }

    private TestImages() {
        try {
            dir = Files.createTempDirectory("domus-images");
            Runtime.getRuntime().addShutdownHook(new Thread(this::delete));
            build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void build() throws IOException {
        put("Image", arm64Image());
        put("zImage32", zImage32());
        sh("gzip -n -9 -c Image > Image.gz");
        mkimage("uImage", "-A arm64 -O linux -T kernel -C none -a 0x80080000 -e 0x80080000 -n Linux-6.1 -d Image");
        mkimage("uImage.gz", "-A arm64 -O linux -T kernel -C gzip -a 0x80080000 -e 0x80080000 -n Linux-6.1 -d Image.gz");
        mkimage("uImage-arm32-header", "-A arm -O linux -T kernel -C none -a 0x8000 -e 0x8000 -n wrong-arch -d Image");
        mkimage("uImage-none-of-gz", "-A arm64 -O linux -T kernel -C none -a 0x80080000 -e 0x80080000 -n gz -d Image.gz");

        Files.createDirectories(dir.resolve("root/bin"));
        Files.createDirectories(dir.resolve("root/etc"));
        Files.writeString(dir.resolve("root/init"), "#!/bin/sh\nexec /bin/sh\n");
        Files.writeString(dir.resolve("root/etc/hostname"), "domU1\n");
        Files.write(dir.resolve("root/bin/sh"), new byte[3000]);
        sh("cd root && find . | LC_ALL=C sort | cpio --quiet -o -H newc > ../initrd.cpio");
        sh("cd root && find . | LC_ALL=C sort | cpio --quiet -o -H crc > ../initrd-crc.cpio");
        sh("cd root && find . | LC_ALL=C sort | cpio --quiet -o -H odc > ../initrd-odc.cpio");
        sh("cd root && find . | LC_ALL=C sort | cpio --quiet -o -H bin > ../initrd-bin.cpio");
        sh("gzip -n -9 -c initrd.cpio > initrd.cpio.gz");
        // Debian's layout: an uncompressed (microcode) archive, then the compressed main one.
        sh("cat initrd.cpio initrd.cpio.gz > initrd-early.cpio");
        mkimage("uInitrd", "-A arm64 -O linux -T ramdisk -C none -n initramfs -d initrd.cpio.gz");
        Files.writeString(dir.resolve("boot.cmd"), "setenv bootargs console=ttyAMA0\nbooti 0x80080000 - 0x84000000\n");
        mkimage("boot.scr", "-A arm64 -O linux -T script -C none -n boot -d boot.cmd");
        mkimage("multi.img", "-A arm64 -O linux -T multi -C none -n multi -d Image:initrd.cpio.gz");

        Files.writeString(dir.resolve("domU.dts"), """
                /dts-v1/;
                / {
                    #address-cells = <2>;
                    #size-cells = <2>;
                    passthrough {
                        compatible = "simple-bus";
                        ranges;
                    };
                };
                """);
        Tools.run(dir, "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "domU.dtb", "domU.dts");

        Files.writeString(dir.resolve("pvh.S"), elfSource(true, 18, ".long"));
        Files.writeString(dir.resolve("pvh-quad.S"), elfSource(true, 18, ".quad"));
        Files.writeString(dir.resolve("pv.S"), elfSource(true, 1, ".long"));
        Files.writeString(dir.resolve("plain.S"), elfSource(false, 0, ".long"));
        gcc("pvh.elf", "pvh.S");
        gcc("pvh-quad.elf", "pvh-quad.S");
        gcc("pv.elf", "pv.S");
        gcc("plain.elf", "plain.S");
        Tools.run(dir, "gcc", "-m32", "-nostdlib", "-static", "-no-pie", "-o", "pvh32.elf", "pvh.S");

        sh("gzip -n -9 -c pvh.elf > pvh.elf.gz");
        put("bzImage", bzImage(0x020f, 0x0b, Files.readAllBytes(dir.resolve("pvh.elf.gz"))));
        mkimage("uImage-x86", "-A x86_64 -O linux -T kernel -C none -a 0x100000 -e 0x100000 -n x86 -d bzImage");
        for (String name : new String[] {"Image.gz", "initrd.cpio", "initrd-crc.cpio", "initrd-odc.cpio",
            "initrd-bin.cpio", "initrd.cpio.gz", "initrd-early.cpio", "domU.dtb", "pvh.elf", "pvh-quad.elf", "pv.elf", "plain.elf",
            "pvh32.elf", "pvh.elf.gz"}) {
            all.put(name, Files.readAllBytes(dir.resolve(name)));
        }
    }

    /**
     * An Arm64 Image per booting.rst: "MZ" (the EFI stub's PE signature) and code, text_offset 0,
     * image_size 36 MiB, flags 4K pages + anywhere, "ARM\x64" at 0x38, PE offset 0x40; then noise.
     */
    static byte[] arm64Image() {
        byte[] image = new byte[IMAGE_FILE_SIZE];
        new Random(64).nextBytes(image);
        ByteBuffer h = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, (byte) 'M').put(1, (byte) 'Z').putShort(2, (short) 0).putInt(4, 0x14000000);
        h.putLong(0x08, 0).putLong(0x10, 36L << 20).putLong(0x18, 0b1010);
        h.putLong(0x20, 0).putLong(0x28, 0).putLong(0x30, 0);
        h.putInt(0x38, 0x644d5241).putInt(0x3c, 0x40);
        return image;
    }

    /** An Arm32 zImage: its magic 0x016f2818 at 0x24, then start and end addresses. */
    static byte[] zImage32() {
        byte[] image = new byte[4096];
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24, 0x016f2818).putInt(0x28, 0).putInt(0x2c, 4096);
        return image;
    }

    /**
     * A bzImage per boot.rst: boot sector and 3 setup sectors, the setup header at 0x1f1, the version
     * string 0x200 past its pointer, then the protected-mode code with {@code payload} at payload_offset.
     */
    static byte[] bzImage(int protocol, int xloadflags, byte[] payload) {
        int setupSects = 3;
        int pm = (setupSects + 1) * 512;
        int payloadOffset = 0x40;
        byte[] image = new byte[pm + payloadOffset + payload.length + 4];
        ByteBuffer h = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, (byte) 'M').put(1, (byte) 'Z');
        h.put(0x1f1, (byte) setupSects).putShort(0x1fe, (short) 0xaa55);
        h.put(0x200, (byte) 0xeb).put(0x201, (byte) 0x6a);
        h.put(0x202, "HdrS".getBytes(StandardCharsets.US_ASCII)).putShort(0x206, (short) protocol);
        h.putShort(0x20e, (short) 0x200);   // the version string at 0x400
        h.put(0x211, (byte) 0x01);           // LOADED_HIGH
        h.putInt(0x214, 0x100000);
        h.putInt(0x230, 0x200000).put(0x234, (byte) 1);
        h.putShort(0x236, (short) xloadflags);
        h.putInt(0x248, payloadOffset).putInt(0x24c, payload.length);
        h.put(0x400, LINUX_VERSION.getBytes(StandardCharsets.US_ASCII));
        h.put(pm + payloadOffset, payload);
        return image;
    }

    /**
     * A tiny x86 program, with a Xen note of {@code noteType} (18 = PHYS32_ENTRY) when {@code xen}, its
     * descriptor the entry as a {@code .long} or, as Linux's x86-64 head writes it, a {@code .quad}.
     */
    private static String elfSource(boolean xen, int noteType, String entryDirective) {
        String note = """
                        .pushsection .note.Xen, "a", @note
                        .balign 4
                        .long 4, %d, %d
                        .asciz "Xen"
                        .balign 4
                        %s pvh_start
                        .popsection
                """.formatted(entryDirective.equals(".quad") ? 8 : 4, noteType, entryDirective);
        return (xen ? note : "") + """
                        .text
                        .globl _start
                _start:
                pvh_start:
                        hlt
                """;
    }

    private void gcc(String out, String source) throws IOException {
        Tools.run(dir, "gcc", "-nostdlib", "-static", "-no-pie", "-o", out, source);
    }

    private void mkimage(String out, String args) throws IOException {
        Tools.sh(dir, "mkimage " + args + " " + out + " >/dev/null");
        all.put(out, Files.readAllBytes(dir.resolve(out)));
    }

    private void sh(String commandLine) {
        Tools.sh(dir, commandLine);
    }

    private void put(String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
        all.put(name, bytes);
    }

    private void delete() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
