package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.domus.cli.DomusJvm.Run;
import org.domus.dom0less.ExampleSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A system booted without {@code --name} is named for its file ({@code system} for {@code system.dts}), and the
 * toolstack commands without {@code --name} talk to the only system running. Everything runs in JVMs of their own
 * under a private {@code XDG_RUNTIME_DIR}, so no other system of this user's can be the one found.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnnamedSystemTest {
    private static final Pattern STARTED = Pattern.compile("runs in the background \\(pid (\\d+)\\)");

    @Test
    void aSystemIsNamedForItsFileAndCommandsWithoutANameReachTheOnlyOneRunning(@TempDir Path tmp) throws Exception {
        Path xdg = Files.createDirectory(tmp.resolve("xdg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path dir = Files.createDirectory(tmp.resolve("sys"));
        TestGuest.copyInto(dir);
        Path system = Files.writeString(dir.resolve("system.dts"), ExampleSystem.source("", List.of(new ExampleSystem.Domain(
                "one", 64, 1, "console=ttyAMA0 quiet domus.name=one domus.action=idle")), "Image", "initramfs.cpio.gz"));

        Run none = DomusJvm.run(xdg, 30, "list");
        assertThat(none.exit()).as(none.output()).isEqualTo(1);
        assertThat(none.output()).startsWith("domus: no system is running (no live control socket in " + xdg.resolve("domus"));

        Run boot = DomusJvm.run(xdg, 240, "boot", system.toString(), "--detach", "--run-dir", dir.resolve("run").toString());
        Matcher started = STARTED.matcher(boot.output());
        long pid = started.find() ? Long.parseLong(started.group(1)) : -1;
        try {
            assertThat(boot.exit()).as(boot.output()).isZero();
            assertThat(boot.output()).contains("domus: system 'system' runs in the background");
            assertThat(xdg.resolve("domus/system.sock")).exists();

            Run list = DomusJvm.run(xdg, 30, "list");
            assertThat(list.exit()).as(list.output()).isZero();
            assertThat(list.output()).containsPattern("\none +1 +64 +1 ");
            Run destroy = DomusJvm.run(xdg, 30, "destroy", "one");
            assertThat(destroy.output().strip()).isEqualTo("d1 one: destroyed");
            // its last domain gone, the system ends and its socket goes with it
            assertThat(pid).as(boot.output()).isPositive();
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
            assertThat(xdg.resolve("domus/system.sock")).doesNotExist();
        } finally {
            (pid > 0 ? ProcessHandle.of(pid) : java.util.Optional.<ProcessHandle>empty()).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
    }
}
