package org.domus.image;

import org.domus.testsupport.Tools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Our newc writer against Debian's GNU cpio, which must read back exactly what we wrote. */
class CpioTest {
    @TempDir
    Path tmp;

    /** One of each kind of entry; file sizes 0 to 5 cross every padding case of the data. */
    private static Cpio sample() {
        return new Cpio()
                .directory("etc", 0755)
                .directory("etc/deep", 0700)
                .file("etc/empty", 0644, new byte[0])
                .file("etc/one", 0600, "1".getBytes(StandardCharsets.US_ASCII))
                .file("etc/deep/two", 0640, "22".getBytes(StandardCharsets.US_ASCII))
                .file("etc/three", 0444, "333".getBytes(StandardCharsets.US_ASCII))
                .file("etc/four", 0755, "4444".getBytes(StandardCharsets.US_ASCII))
                .file("etc/five-long-name.txt", 04755, "55555".getBytes(StandardCharsets.US_ASCII))
                .symlink("etc/link", "deep/two")
                .symlink("dangling", "/no/such/target");
    }

    private static final List<String> SAMPLE_NAMES = List.of("etc", "etc/deep", "etc/empty", "etc/one", "etc/deep/two",
            "etc/three", "etc/four", "etc/five-long-name.txt", "etc/link", "dangling");

    @Test
    void cpioListsExactlyOurEntries() throws Exception {
        Path archive = write(sample().charDevice("console", 0600, 5, 1).finish());
        Tools.Run r = Tools.run(tmp, archive, "cpio", "-it");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> expected = new ArrayList<>(SAMPLE_NAMES);
        expected.add("console");
        assertThat(Tools.lines(r.stdout())).containsExactlyElementsOf(expected);
    }

    @Test
    void cpioExtractsIdenticalContentsModesAndLinkTargets() throws Exception {
        Path archive = write(sample().finish());
        Path out = Files.createDirectory(tmp.resolve("out"));
        Tools.Run r = Tools.run(out, archive, "cpio", "-idv", "--no-absolute-filenames");
        assertThat(r.exitCode()).as(r.stderr()).isZero();

        assertThat(Files.readAllBytes(out.resolve("etc/empty"))).isEmpty();
        assertThat(Files.readString(out.resolve("etc/one"))).isEqualTo("1");
        assertThat(Files.readString(out.resolve("etc/deep/two"))).isEqualTo("22");
        assertThat(Files.readString(out.resolve("etc/three"))).isEqualTo("333");
        assertThat(Files.readString(out.resolve("etc/four"))).isEqualTo("4444");
        assertThat(Files.readString(out.resolve("etc/five-long-name.txt"))).isEqualTo("55555");
        assertThat(Files.readSymbolicLink(out.resolve("etc/link"))).hasToString("deep/two");
        assertThat(Files.readSymbolicLink(out.resolve("dangling"))).hasToString("/no/such/target");
        assertThat(Files.readString(out.resolve("etc/link"))).isEqualTo("22");

        assertThat(mode(out.resolve("etc"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(out.resolve("etc/deep"))).isEqualTo("rwx------");
        assertThat(mode(out.resolve("etc/one"))).isEqualTo("rw-------");
        assertThat(mode(out.resolve("etc/deep/two"))).isEqualTo("rw-r-----");
        assertThat(mode(out.resolve("etc/three"))).isEqualTo("r--r--r--");
        assertThat(mode(out.resolve("etc/four"))).isEqualTo("rwxr-xr-x");
        // the setuid bit is beyond PosixFilePermissions: ask the unix view
        assertThat((int) Files.getAttribute(out.resolve("etc/five-long-name.txt"), "unix:mode") & 07777).isEqualTo(04755);
    }

    @Test
    void aDeviceNodeCarriesItsMajorAndMinor() throws Exception {
        Path archive = write(new Cpio().directory("dev", 0755).charDevice("dev/console", 0600, 5, 1)
                .charDevice("dev/ttyAMA0", 0620, 204, 64).finish());
        Tools.Run r = Tools.run(tmp, archive, "cpio", "-itv");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        // "crw-------   1 root     root       5,   1 Jan  1  1970 dev/console"
        assertThat(r.stdout()).containsPattern("(?m)^crw-------\\s+1\\s+root\\s+root\\s+5,\\s+1\\s.*\\sdev/console$")
                .containsPattern("(?m)^crw--w----\\s+1\\s+root\\s+root\\s+204,\\s+64\\s.*\\sdev/ttyAMA0$")
                .containsPattern("(?m)^drwxr-xr-x\\s+2\\s+root\\s+root\\s+0\\s+Jan\\s+1\\s+1970 dev$");
    }

    /** The bytes of a one-file archive, worked out by hand from the newc layout. */
    @Test
    void headerFieldsAndPaddingAreExactlyNewc() {
        byte[] archive = new Cpio().file("a", 0644, "xyz".getBytes(StandardCharsets.US_ASCII)).finish();
        String file = "070701" + "00000001" + "000081A4" + "00000000" + "00000000" + "00000001" + "00000000"
                + "00000003" + "00000000" + "00000000" + "00000000" + "00000000" + "00000002" + "00000000"
                + "a\0" + "xyz\0";                      // 110 + 2 = 112 (aligned); 3 data bytes + 1 pad
        String trailer = "070701" + "00000000" + "00000000" + "00000000" + "00000000" + "00000001" + "00000000"
                + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "0000000B" + "00000000"
                + "TRAILER!!!\0" + "\0\0\0";             // 110 + 11 = 121, padded to 124
        assertThat(new String(archive, StandardCharsets.ISO_8859_1)).isEqualTo(file + trailer);
    }

    @Test
    void sameCallsGiveSameBytes() {
        assertThat(sample().finish()).isEqualTo(sample().finish());
    }

    @Test
    void refusesWhatTheKernelWouldDropOrMisread() {
        assertThatThrownBy(() -> new Cpio().file("bin/sh", 0755, new byte[0]))
                .hasMessage("cpio entry 'bin/sh': directory bin not added before it");
        assertThatThrownBy(() -> new Cpio().directory("a", 0755).directory("a", 0755)).hasMessage("cpio entry 'a' added twice");
        assertThatThrownBy(() -> new Cpio().file("/init", 0755, new byte[0])).hasMessageContaining("names are relative");
        assertThatThrownBy(() -> new Cpio().file("TRAILER!!!", 0644, new byte[0])).hasMessageContaining("names are relative");
        assertThatThrownBy(() -> new Cpio().directory("a", 0755).file("a/../b", 0644, new byte[0])).hasMessageContaining("'..'");
        assertThatThrownBy(() -> new Cpio().file("x", 0100644, new byte[0])).hasMessageContaining("only the bits 07777");
        Cpio done = new Cpio();
        done.finish();
        assertThatThrownBy(() -> done.directory("late", 0755)).hasMessage("cpio archive already finished");
    }

    /** Random trees of random files: every length and name length lands on every padding case. */
    @Property(tries = 40)
    void randomTreesComeBackIdentical(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        Map<String, byte[]> files = new LinkedHashMap<>();
        Cpio cpio = new Cpio();
        List<String> dirs = new ArrayList<>(List.of(""));
        int entries = 1 + rnd.nextInt(12);
        for (int i = 0; i < entries; i++) {
            String parent = dirs.get(rnd.nextInt(dirs.size()));
            String name = (parent.isEmpty() ? "" : parent + "/") + "n".repeat(1 + rnd.nextInt(6)) + i;
            if (rnd.nextInt(4) == 0) {
                cpio.directory(name, 0755);
                dirs.add(name);
            } else {
                byte[] data = new byte[rnd.nextInt(9)];
                rnd.nextBytes(data);
                cpio.file(name, 0644, data);
                files.put(name, data);
            }
        }
        byte[] archive = cpio.finish();
        assertThat(archive.length % 4).isZero();

        Path dir = Files.createTempDirectory("cpio-prop");
        try {
            Path file = Files.write(dir.resolve("archive.cpio"), archive);
            Path out = Files.createDirectory(dir.resolve("out"));
            Tools.Run r = Tools.run(out, file, "cpio", "-id", "--no-absolute-filenames");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                assertThat(Files.readAllBytes(out.resolve(f.getKey()))).as(f.getKey()).isEqualTo(f.getValue());
            }
        } finally {
            Tools.deleteTree(dir);
        }
    }

    private Path write(byte[] archive) throws IOException {
        return Files.write(tmp.resolve("archive.cpio"), archive);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
