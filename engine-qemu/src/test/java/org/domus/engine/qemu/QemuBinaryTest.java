package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.domus.engine.DomainSpec;
import org.domus.image.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the emulator (a PATH lookup, nothing run) and judging its version, with stand-in emulators on a PATH of
 * our own; QEMU's real greeting and {@code --version} are compared in {@code QmpClientTest}.
 */
class QemuBinaryTest {
    @TempDir
    Path bin;

    @Test
    void aMissingEmulatorNamesItsDebianPackage() {
        assertThat(QemuBinary.find(Arch.ARM64, bin.toString()).problem())
                .contains("qemu-system-aarch64 not found on PATH (install the Debian package qemu-system-arm)");
        assertThat(QemuBinary.find(Arch.X86_64, "").problem())
                .contains("qemu-system-x86_64 not found on PATH (install the Debian package qemu-system-x86)");
    }

    @Test
    void findingRunsNothing() throws Exception {
        Path ran = bin.resolve("ran");
        Path qemu = script("qemu-system-x86_64", "touch " + ran + "; echo 'QEMU emulator version 8.2.2'");
        var found = QemuBinary.find(Arch.X86_64, "/nonexistent:" + bin);
        assertThat(found.problem()).isEmpty();
        assertThat(found.binary()).contains(new QemuBinary(qemu, Arch.X86_64));
        assertThat(ran).doesNotExist();
        assertThat(found.binary().orElseThrow().askVersion()).isEqualTo(new QemuVersion(8, 2, 2));
        assertThat(ran).exists();
    }

    @Test
    void versionsBefore7AreRefusedWithTheirPackage() throws Exception {
        Path qemu = script("qemu-system-aarch64", "echo 'QEMU emulator version 6.2.0 (Debian 1:6.2+dfsg-2ubuntu6)'");
        QemuBinary binary = QemuBinary.find(Arch.ARM64, bin.toString()).binary().orElseThrow();
        assertThat(binary.refuses(binary.askVersion()))
                .contains(qemu + " is QEMU 6.2.0, older than 7.0 (install a newer qemu-system-arm)");
        assertThat(binary.refuses(new QemuVersion(7, 0, 0))).isEmpty();
        assertThat(binary.refuses(new QemuVersion(10, 1, 0))).isEmpty();
        assertThat(binary.refuses(new QemuVersion(6, 9, 9))).isPresent();
    }

    @Test
    void theGreetingCarriesTheVersion() throws Exception {
        QmpValue greeting = QmpValueTest.parse("""
                {"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7"}, "capabilities": ["oob"]}}""");
        assertThat(QemuVersion.ofGreeting(greeting)).isEqualTo(new QemuVersion(7, 2, 22));
        assertThat(QemuVersion.ofGreeting(greeting)).hasToString("7.2.22");
        assertThat(QemuVersion.parse("QEMU emulator version 9.1")).contains(new QemuVersion(9, 1, 0));
    }

    @Test
    void anEmulatorThatPrintsNoVersionSaysSo() throws Exception {
        Path qemu = script("qemu-system-aarch64", "echo 'hello'");
        QemuBinary binary = QemuBinary.find(Arch.ARM64, bin.toString()).binary().orElseThrow();
        assertThatThrownBy(binary::askVersion).hasMessage(qemu + " --version printed no version: hello");
    }

    /** An old QEMU dies of an option it does not know: the error says it is too old before what it said. */
    @Test
    void anOldEmulatorThatDiesAtStartIsExplainedByItsAge(@TempDir Path work) throws Exception {
        Path qemu = script("qemu-system-aarch64", """
                if [ "$1" = --version ]; then echo 'QEMU emulator version 5.2.0 (Debian 1:5.2+dfsg-11+deb11u3)'; exit 0; fi
                echo "qemu-system-aarch64: -accel tcg,thread=multi: invalid accelerator tcg" >&2
                exit 1""");
        var spec = new DomainSpec("old", Arch.ARM64, 64 * TestQemu.MIB, 1, null, null, null, work);
        assertThatThrownBy(() -> QemuDomain.launch(new QemuCommandLine(new QemuBinary(qemu, Arch.ARM64), spec, false)))
                .hasMessageStartingWith("old: " + qemu + " is QEMU 5.2.0, older than 7.0 (install a newer qemu-system-arm); QEMU exited with status 1")
                .hasMessageContaining("invalid accelerator tcg");
    }

    private Path script(String name, String body) throws Exception {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
