package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket and run folders must be the user's alone: one another user made, one anyone may write, a symbolic
 * link are refused with a line that says what is wrong and what to do. Folders of another owner are made with
 * {@code chown} to a uid nobody has (tests run as root, as CI does).
 */
class PrivateFolderTest {
    static final long OTHER = 12345;
    private final long me = PrivateFolder.currentUid();

    @TempDir
    Path tmp;

    @BeforeEach
    void sticky() throws IOException {
        // as /tmp: anyone may make a folder in it
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @Test
    void aFolderItMakesIsTheUsersAloneAndPasses() throws IOException {
        Path dir = PrivateFolder.ensure(tmp.resolve("domus-" + me), me, false);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(PrivateFolder.problem(dir, me)).isNull();
        assertThat(PrivateFolder.ensure(dir, me, false)).isEqualTo(dir);
        assertThat(PrivateFolder.problem(tmp.resolve("missing"), me)).as("a missing folder will be made").isNull();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(PrivateFolder.problem(dir, me)).as("others may read it, not change it").isNull();
        assertThat(PrivateFolder.ensure(tmp.resolve("xdg/domus"), me, true)).isDirectory();
    }

    @Test
    void aFolderAnotherUserMadeFirstIsRefused() throws IOException {
        assumeTrue(me == 0, "chown needs root");
        Path dir = Files.createDirectory(tmp.resolve("domus-1000"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", (int) OTHER);
        assertThatThrownBy(() -> PrivateFolder.ensure(dir, me, false)).isInstanceOf(IOException.class)
                .hasMessage("refusing %s: it belongs to uid 12345, not to you (uid 0), so someone else could put their own "
                        + "sockets and files in place of Domus's; have its owner or root remove it, or set XDG_RUNTIME_DIR "
                        + "to a folder of your own", dir);
        // root's folder, 0755, is another user's too: that user may not write there at all
        Files.setAttribute(dir, "unix:uid", 0);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(PrivateFolder.problem(dir, 1000)).startsWith("refusing " + dir + ": it belongs to uid 0, not to you (uid 1000)");
    }

    @Test
    void aFolderItsGroupOrOthersMayWriteIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("domus-" + me));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(PrivateFolder.problem(dir, me)).isEqualTo("refusing %s: its group or others may write it (mode 0777), so "
                + "someone else could put their own sockets and files in place of Domus's; make it yours alone with chmod 700 %s", dir, dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(PrivateFolder.problem(dir, me)).contains("(mode 0770)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx----w-"));
        assertThat(PrivateFolder.problem(dir, me)).contains("(mode 0702)");
    }

    @Test
    void aSymbolicLinkIsRefusedEvenToAFolderOfTheUsers() throws IOException {
        Path mine = PrivateFolder.ensure(tmp.resolve("mine"), me, false);
        Path link = Files.createSymbolicLink(tmp.resolve("domus-" + me), mine);
        assertThatThrownBy(() -> PrivateFolder.ensure(link, me, false)).hasMessage("refusing %s: it is a symbolic link, and "
                + "someone else could put their own sockets and files in place of Domus's; remove it (rm %s), Domus makes the "
                + "folder itself", link, link);
        assertThat(Files.isSymbolicLink(link)).as("left as it was").isTrue();
        Path file = Files.createFile(tmp.resolve("file"));
        assertThat(PrivateFolder.problem(file, me)).isEqualTo("refusing %s: it is not a folder; remove it (rm %s), Domus makes the folder itself", file, file);
    }
}
