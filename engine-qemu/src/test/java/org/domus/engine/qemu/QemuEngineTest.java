package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.ServiceLoader;

import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.image.Arch;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the engine says and refuses before a guest runs; every failure is a one-line message, never a hang. */
@Timeout(60)
class QemuEngineTest {
    @TempDir
    Path work;

    @EndToEnd
    @Test
    void isFoundAsAServiceAndNamesItself() throws Exception {
        assertThat(ServiceLoader.load(Engine.class).stream().map(p -> p.get().name())).contains("qemu");
        TestQemu.require(Arch.ARM64);
        assertThat(Engine.pick("qemu", Arch.ARM64)).isInstanceOf(QemuEngine.class);
    }

    @EndToEnd
    @Test
    void bothArchitecturesAreAvailableHere() throws Exception {
        TestQemu.require(Arch.ARM64);
        TestQemu.require(Arch.X86_64);
        for (Arch arch : Arch.values()) {
            QemuBinary qemu = TestQemu.ENGINE.binaryFor(arch).orElseThrow();
            assertThat(qemu.refuses(qemu.askVersion())).as(qemu.path().toString()).isEmpty();
        }
    }

    @Test
    void aMissingQemuNamesItsDebianPackage() {
        assertThat(QemuBinary.executable(Arch.ARM64)).isEqualTo("qemu-system-aarch64");
        assertThat(QemuBinary.debianPackage(Arch.ARM64)).isEqualTo("qemu-system-arm");
        assertThat(QemuBinary.debianPackage(Arch.X86_64)).isEqualTo("qemu-system-x86");
    }

    @EndToEnd
    @Test
    void aKernelOfRandomBytesIsRefusedBeforeQemuRunsIt() throws Exception {
        TestQemu.require(Arch.ARM64);
        byte[] junk = new byte[1 << 20];
        new Random(5).nextBytes(junk);
        junk[0] = 0x55;
        Path kernel = Files.write(work.resolve("junk"), junk);
        for (Arch arch : Arch.values()) {
            var spec = new DomainSpec("junk", arch, 64 * TestQemu.MIB, 1, kernel, null, "", work.resolve(arch.name()));
            assertThatThrownBy(() -> TestQemu.ENGINE.build(spec)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("kernel " + kernel + " is not a");
        }
    }

    @EndToEnd
    @Test
    void qemusOwnComplaintAtStartupBecomesTheMessage() throws Exception {
        TestQemu.require(Arch.ARM64);
        byte[] image = new byte[4096];
        System.arraycopy(new byte[] {'A', 'R', 'M', 0x64}, 0, image, 0x38, 4);
        Path kernel = Files.write(work.resolve("Image"), image);
        var spec = new DomainSpec("greedy", Arch.ARM64, 64 * TestQemu.MIB, 1000, kernel, null, "", work.resolve("d"));
        assertThatThrownBy(() -> TestQemu.ENGINE.build(spec)).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("greedy: QEMU exited with status 1: qemu-system-aarch64: ")
                .hasMessageContaining("1000")
                .hasMessageNotContaining("\n");
    }

    @EndToEnd
    @Test
    void aMissingInitrdAndBadSizesAreRefused() throws Exception {
        TestQemu.require(Arch.ARM64);
        byte[] image = new byte[4096];
        System.arraycopy(new byte[] {'A', 'R', 'M', 0x64}, 0, image, 0x38, 4);
        Path kernel = Files.write(work.resolve("Image"), image);
        assertThatThrownBy(() -> TestQemu.ENGINE.build(new DomainSpec("d", Arch.ARM64, TestQemu.MIB, 1, kernel,
                work.resolve("nope"), "", work))).hasMessage("d: initrd " + work.resolve("nope") + " is not a readable file");
        assertThatThrownBy(() -> TestQemu.ENGINE.build(new DomainSpec("d", Arch.ARM64, TestQemu.MIB, 0, kernel,
                null, "", work))).hasMessage("d: 0 vCPUs; at least 1 is needed");
        assertThatThrownBy(() -> TestQemu.ENGINE.build(new DomainSpec("d", Arch.ARM64, 0, 1, kernel,
                null, "", work))).hasMessage("d: memory of 0 bytes; it must be positive");
        Path deep = work.resolve("x".repeat(100));
        assertThatThrownBy(() -> TestQemu.ENGINE.build(new DomainSpec("d", Arch.ARM64, TestQemu.MIB, 1, kernel,
                null, "", deep))).hasMessageContaining("more than Unix sockets allow (107)");
    }
}
