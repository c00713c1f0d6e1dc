package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.domus.cli.DomusJvm.Run;
import org.domus.dom0less.ExampleSystem;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folders Domus puts its sockets and run folders in, attacked as another local user would: made first by
 * someone else, left writable by all. Domus must neither connect to nor bind a socket there, and must say in one
 * line what is wrong; and a folder root made must not stop another user from booting (run folders are per user).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FolderSafetyTest {
    private static final int OTHER_UID = 12345;
    private static final String ANYONE = "someone else could put their own sockets and files in place of Domus's";

    /** A socket another user bound where the victim's system would be: it counts who connects. */
    private static final class Attacker implements AutoCloseable {
        private final ServerSocketChannel channel;
        private final AtomicInteger connections = new AtomicInteger();

        Attacker(Path socket) throws IOException {
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        SocketChannel c = channel.accept();
                        connections.incrementAndGet();   // kept open, unanswered: a victim's request would hang here
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void aSocketFolderAnotherUserOwnsIsNeverConnectedTo(@TempDir Path xdg) throws Exception {
        assumeTrue(isRoot(), "chown needs root");
        Path folder = Files.createDirectory(xdg.resolve("domus"));
        try (Attacker attacker = new Attacker(folder.resolve("victim.sock"))) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setAttribute(folder, "unix:uid", OTHER_UID);
            String refused = "domus: refusing %s: it belongs to uid %d, not to you (uid 0), so %s; have its owner or root "
                    .formatted(folder, OTHER_UID, ANYONE) + "remove it, or set XDG_RUNTIME_DIR to a folder of your own\n";
            for (List<String> args : List.of(List.of("list", "--name", "victim"), List.of("console", "--name", "victim", "d1"),
                    List.of("destroy", "--name", "victim", "d1"))) {
                Run run = domus(xdg, args);
                assertThat(run.exit()).as("%s: %s", args, run.output()).isEqualTo(1);
                assertThat(run.output()).as("%s", args).isEqualTo(refused);
            }
            assertThat(attacker.connections()).as("connections to the other user's socket").isZero();
        }
    }

    @EndToEnd
    @Test
    void aSocketFolderAnyoneMayWriteIsRefusedForBootAndClients(@TempDir Path xdg) throws Exception {
        Path folder = Files.createDirectory(xdg.resolve("domus"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path dir = Files.createDirectory(xdg.resolve("system"));
        TestGuest.copyInto(dir);
        Path system = dir.resolve("system.dts");
        Files.writeString(system, ExampleSystem.source("", List.of(new ExampleSystem.Domain("one", 64, 1,
                "console=ttyAMA0 quiet domus.name=one")), "Image", "initramfs.cpio.gz"));
        String refused = "domus: refusing %s: its group or others may write it (mode 0777), so %s; make it yours alone with chmod 700 %s\n"
                .formatted(folder, ANYONE, folder);
        try (Attacker attacker = new Attacker(folder.resolve("victim.sock"))) {
            Run list = domus(xdg, List.of("list", "--name", "victim"));
            assertThat(list.exit()).as(list.output()).isEqualTo(1);
            assertThat(list.output()).isEqualTo(refused);
            Run noName = domus(xdg, List.of("list"));
            assertThat(noName.exit()).as(noName.output()).isEqualTo(1);
            assertThat(attacker.connections()).isZero();
        }
        Run boot = DomusJvm.run(xdg, 180, "boot", system.toString(), "--name", "mine");
        assertThat(boot.exit()).as(boot.output()).isEqualTo(1);
        assertThat(boot.output()).isEqualTo(refused);
        assertThat(folder.resolve("mine.sock")).doesNotExist();
    }

    @EndToEnd
    @Test
    void anotherUserIsHeldNeitherBySocketFoldersNorRunFoldersRootMade() throws Exception {
        try (OtherUser user = OtherUser.create()) {
            Path sockets = Path.of("/tmp/domus-" + user.uid());
            try {
                // root, the other user here, made the user's socket folder first and listens in it
                Files.createDirectory(sockets);
                OtherUser.readable(sockets);
                try (Attacker attacker = new Attacker(sockets.resolve("victim.sock"))) {
                    Run list = run(user.domus(List.of("-XX:-UsePerfData"), "list", "--name", "victim"));
                    assertThat(list.exit()).as(list.output()).isEqualTo(1);
                    assertThat(list.output()).isEqualTo("domus: refusing %s: it belongs to uid 0, not to you (uid %d), so %s; "
                            .formatted(sockets, user.uid(), ANYONE) + "have its owner or root remove it, or set XDG_RUNTIME_DIR to a folder of your own\n");
                    assertThat(attacker.connections()).isZero();
                }
                delete(sockets);

                // the run folders' old home, shared by all: root's /tmp/domus (0755) stopped every other user's boot
                Path tmp = Files.createDirectory(user.shared().resolve("tmp"));
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
                Files.createDirectory(tmp.resolve("domus"));
                OtherUser.readable(tmp.resolve("domus"));
                TestGuest.copyInto(user.shared());
                OtherUser.readable(user.shared().resolve("Image"));
                OtherUser.readable(user.shared().resolve("initramfs.cpio.gz"));
                Path system = user.shared().resolve("system.dts");
                Files.writeString(system, ExampleSystem.source("", List.of(new ExampleSystem.Domain("one", 64, 1,
                        "console=ttyAMA0 quiet domus.name=one")), "Image", "initramfs.cpio.gz"));
                OtherUser.readable(system);
                Run boot = DomusJvm.run(user.domus(List.of("-XX:-UsePerfData", "-Djava.io.tmpdir=" + tmp), "boot", system.toString(),
                        "--name", "peruser"), 180);
                assertThat(boot.exit()).as(boot.output()).isZero();
                assertThat(boot.output()).contains("(d1) DOMUS-READY one", "(domus) run folder " + tmp.resolve("domus-" + user.uid()).resolve("run"));
                Path runs = tmp.resolve("domus-" + user.uid() + "/run");
                for (Path p : List.of(runs.getParent(), runs)) {
                    assertThat(Files.getAttribute(p, "unix:uid")).as(p.toString()).isEqualTo((int) user.uid());
                    assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(PosixFilePermissions.fromString("rwx------"));
                }
            } finally {
                delete(sockets);
            }
        }
    }

    private static Run domus(Path xdg, List<String> args) throws Exception {
        return DomusJvm.run(xdg, 30, args.toArray(String[]::new));
    }

    /** Runs a client to its end (one that went to another's socket would wait there for ever: it is stopped). */
    private static Run run(ProcessBuilder pb) throws Exception {
        return DomusJvm.run(pb, 30);
    }

    private static boolean isRoot() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
