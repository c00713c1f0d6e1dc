package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code domus demo}: writes the three-domain example system for the user to read and edit, boots it, and each guest
 * prints its DOMUS-READY line and powers off, so the demo ends on its own with status 0. Its own JVM, under a
 * private {@code XDG_RUNTIME_DIR}; the payload comes from the cache the other end-to-end tests fill.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DemoTest {
    @Test
    void theDemoWritesItsSystemAndBootsThreeDomainsThatPowerOff(@TempDir Path tmp) throws Exception {
        TestGuest.arm64();
        Path xdg = Files.createDirectory(tmp.resolve("xdg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path demo = tmp.resolve("demo");
        DomusJvm.Run run = DomusJvm.run(xdg, 240, "demo", "--dir", demo.toString());
        String said = run.output();
        assertThat(run.ended()).as(said).isTrue();
        assertThat(run.exit()).as(said).isZero();
        assertThat(said).contains("domus: demo system " + demo.resolve("system.dts"), "(domus) 3 domains started")
                .containsPattern("\\(d1\\) DOMUS-READY domU1 cpus=1 mem=\\d+kB")
                .containsPattern("\\(d2\\) DOMUS-READY domU2 cpus=2 mem=\\d+kB")
                .containsPattern("\\(d3\\) DOMUS-READY domU3 cpus=1 mem=\\d+kB");
        assertThat(Files.readString(demo.resolve("system.dts"))).isEqualTo(DemoCommand.systemSource());
        assertThat(demo.resolve("Image")).isRegularFile();
        assertThat(demo.resolve("initramfs.cpio.gz")).isRegularFile();
    }
}
