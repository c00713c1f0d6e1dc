package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.domus.engine.GuestArch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code unavailable} says, with stand-in emulators on a PATH of our own. */
class QemuBinaryTest {
    @TempDir
    Path bin;

    @Test
    void aMissingEmulatorNamesItsDebianPackage() {
        assertThat(QemuBinary.find(GuestArch.ARM64, bin.toString()).problem())
                .contains("qemu-system-aarch64 not found on PATH (install the Debian package qemu-system-arm)");
        assertThat(QemuBinary.find(GuestArch.X86_64, "").problem())
                .contains("qemu-system-x86_64 not found on PATH (install the Debian package qemu-system-x86)");
    }

    @Test
    void anOldEmulatorIsRefusedWithItsVersion() throws Exception {
        Path qemu = script("qemu-system-aarch64", "echo 'QEMU emulator version 6.2.0 (Debian 1:6.2+dfsg-2ubuntu6)'");
        assertThat(QemuBinary.find(GuestArch.ARM64, "/nonexistent:" + bin).problem())
                .contains(qemu + " is QEMU 6.2.0, older than 7.0 (install a newer qemu-system-arm)");
    }

    @Test
    void aRecentEmulatorIsFoundWithItsVersion() throws Exception {
        Path qemu = script("qemu-system-x86_64", "echo 'QEMU emulator version 8.2.2'");
        var found = QemuBinary.find(GuestArch.X86_64, bin.toString());
        assertThat(found.problem()).isEmpty();
        assertThat(found.binary()).contains(new QemuBinary(qemu, 8, 2, "8.2.2"));
    }

    @Test
    void anEmulatorThatPrintsNoVersionIsRefused() throws Exception {
        Path qemu = script("qemu-system-aarch64", "echo 'hello'");
        assertThat(QemuBinary.find(GuestArch.ARM64, bin.toString()).problem())
                .contains(qemu + " --version printed no version: hello");
    }

    private Path script(String name, String body) throws Exception {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
