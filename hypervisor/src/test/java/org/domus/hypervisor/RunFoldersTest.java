package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders are per user, under $XDG_RUNTIME_DIR/domus/run or /tmp/domus-UID/run, and made only where the user
 * alone can write; the control sockets' folder follows the same rule.
 */
class RunFoldersTest {
    private final long me = PrivateFolder.currentUid();

    @TempDir
    Path tmp;

    @Test
    void eachUserHasRunFoldersOfTheirOwn() {
        assertThat(RunFolders.parent("/run/user/1000", Path.of("/tmp"), 1000)).isEqualTo(Path.of("/run/user/1000/domus/run"));
        assertThat(RunFolders.parent(null, Path.of("/tmp"), 1000)).isEqualTo(Path.of("/tmp/domus-1000/run"));
        assertThat(RunFolders.parent("", Path.of("/var/tmp"), 0)).isEqualTo(Path.of("/var/tmp/domus-0/run"));
        assertThat(ControlPaths.directory("/run/user/1000", 1000)).isEqualTo(Path.of("/run/user/1000/domus"));
        assertThat(ControlPaths.directory(null, 1000)).isEqualTo(Path.of("/tmp/domus-1000"));
        assertThat(ControlPaths.directory(null, 0)).isEqualTo(Path.of("/run/domus"));
    }

    @Test
    void aNewFolderPerBootOnlyTheUserCanEnter() throws IOException {
        Path parent = RunFolders.parent(tmp.resolve("xdg").toString(), tmp, me);
        Path first = RunFolders.create(parent, me, "system.dts");
        Path second = RunFolders.create(parent, me, "system");
        assertThat(first.getParent()).isEqualTo(parent).isEqualTo(second.getParent());
        assertThat(first.getFileName().toString()).startsWith("system-");
        assertThat(first).isNotEqualTo(second);
        for (Path p : new Path[] {first, parent, parent.getParent()}) {
            assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aSharedFolderRootMadeIsRefusedWithWhatIsWrong() throws IOException {
        // the old default: /tmp/domus made by root (the tests' user here), 0755, where another user can make nothing
        long user = me == 1000 ? 1001 : 1000;
        Path base = Files.createDirectory(tmp.resolve("domus-" + user));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path parent = RunFolders.parent(null, tmp, user);
        assertThatThrownBy(() -> RunFolders.create(parent, user, "system")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("refusing %s: it belongs to uid %d, not to you (uid %d)", base, me, user);
        assertThat(parent).doesNotExist();
    }

    @Test
    void eitherLevelAnotherUserOwnsOrAnyoneMayWriteIsRefused() throws IOException {
        assumeTrue(me == 0, "chown needs root");
        Path parent = RunFolders.parent(tmp.resolve("xdg").toString(), tmp, me);
        RunFolders.create(parent, me, "ok");
        Files.setAttribute(parent, "unix:uid", (int) PrivateFolderTest.OTHER);
        assertThatThrownBy(() -> RunFolders.create(parent, me, "system")).hasMessageStartingWith("refusing %s: it belongs to uid 12345", parent);
        Files.setAttribute(parent, "unix:uid", (int) me);
        Files.setPosixFilePermissions(parent.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> RunFolders.create(parent, me, "system"))
                .hasMessageStartingWith("refusing %s: its group or others may write it (mode 0777)", parent.getParent());
        Files.setPosixFilePermissions(parent.getParent(), PosixFilePermissions.fromString("rwx------"));
        Files.delete(Files.list(parent).findFirst().orElseThrow());
        Files.delete(parent);
        Files.createSymbolicLink(parent, tmp);
        assertThatThrownBy(() -> RunFolders.create(parent, me, "system")).hasMessageStartingWith("refusing %s: it is a symbolic link", parent);
    }
}
