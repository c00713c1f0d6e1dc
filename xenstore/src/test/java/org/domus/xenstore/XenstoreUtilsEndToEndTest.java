package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Debian's real xenstore-utils against our xenstored, on a temporary socket. */
@EndToEnd
@Timeout(60)
class XenstoreUtilsEndToEndTest {
    @TempDir
    Path dir;
    private XenstoreServer server;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        XenstoreUtils.require();
        socket = dir.resolve("xenstored.sock");
        server = XenstoreServer.start(socket);
        for (int d = 1; d <= 2; d++) {
            server.writeDomainEntries(new DomainEntries(d, "domU" + d, new UUID(0, d), 131072, 131072, 1,
                Optional.of(new DomainEntries.StoreRing(4 + d, 1044476)), Map.of(), Instant.ofEpochSecond(1)));
            server.introduceDomain(d, 1044476, 4 + d);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void lsShowsTheDomainsEntries() throws Exception {
        var r = XenstoreUtils.run(socket, "xenstore-ls", "/local/domain");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("1 = \"\"\n vm = \"/vm/00000000-0000-0000-0000-000000000001\"\n name = \"domU1\"\n");
        assertThat(r.out()).contains("\n  static-max = \"131072\"\n", "\n2 = \"\"\n", "\n name = \"domU2\"\n",
            "\n  ring-ref = \"1044476\"\n");
        var flat = XenstoreUtils.run(socket, "xenstore-ls", "-f", "-p", "/local/domain/2");
        assertThat(flat.out()).contains("/local/domain/2/name = \"domU2\"").contains("(n0,r2)");
    }

    @Test
    void readListAndRm() throws Exception {
        var r = XenstoreUtils.run(socket, "xenstore-read", "/local/domain/1/name", "/local/domain/2/name");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("domU1\ndomU2\n");
        assertThat(XenstoreUtils.run(socket, "xenstore-list", "/local/domain").out()).isEqualTo("1\n2\n");
        assertThat(XenstoreUtils.run(socket, "xenstore-read", "/nowhere").exit()).isEqualTo(1);
        assertThat(XenstoreUtils.run(socket, "xenstore-rm", "/local/domain/2").exit()).isZero();
        assertThat(XenstoreUtils.run(socket, "xenstore-list", "/local/domain").out()).isEqualTo("1\n");
    }

    @Test
    void aDirectoryLongerThanOnePayloadIsListedThroughDirectoryPart() throws Exception {
        try (XenstoreClient c = XenstoreClient.connect(socket)) {
            for (int i = 0; i < 400; i++) {
                c.write("/big/child-with-a-rather-long-name-" + i, "");
            }
        }
        var r = XenstoreUtils.run(socket, "xenstore-list", "/big");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(400).startsWith("child-with-a-rather-long-name-0")
            .endsWith("child-with-a-rather-long-name-399");
    }

    @Test
    void writeThenWatchDeliversTheEvent() throws Exception {
        XenstoreUtils.run(socket, "xenstore-write", "/tool/watched", "0");
        Process watch = XenstoreUtils.command(socket, "xenstore-watch", "-n", "2", "/tool/watched").start();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("the event on registration").isEqualTo("/tool/watched");
            var w = XenstoreUtils.run(socket, "xenstore-write", "/tool/watched", "1");
            assertThat(w.exit()).as(w.err()).isZero();
            assertThat(out.readLine()).isEqualTo("/tool/watched");
            assertThat(watch.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.exitValue()).isZero();
        } finally {
            watch.destroyForcibly();
        }
        assertThat(XenstoreUtils.run(socket, "xenstore-read", "/tool/watched").out()).isEqualTo("1\n");
    }

    @Test
    void chmodSetsPermissionsThatBindADomain() throws Exception {
        Path asDom2 = dir.resolve("dom2.sock");
        server.listenAsDomain(asDom2, 2);
        XenstoreUtils.run(socket, "xenstore-write", "/shared/board", "hello");
        assertThat(XenstoreUtils.run(asDom2, "xenstore-read", "/shared/board").exit()).isEqualTo(1);
        var chmod = XenstoreUtils.run(socket, "xenstore-chmod", "/shared/board", "n0", "r2");
        assertThat(chmod.exit()).as(chmod.err()).isZero();
        assertThat(XenstoreUtils.run(asDom2, "xenstore-read", "/shared/board").out()).isEqualTo("hello\n");
        assertThat(XenstoreUtils.run(asDom2, "xenstore-write", "/shared/board", "bye").exit()).isEqualTo(1);
    }

    @Test
    void aDomainWritingOutsideItsSubtreeIsRefusedWithEacces() throws Exception {
        Path asDom1 = dir.resolve("dom1.sock");
        server.listenAsDomain(asDom1, 1);
        var own = XenstoreUtils.run(asDom1, "xenstore-write", "/local/domain/1/data/greeting", "hi");
        assertThat(own.exit()).as(own.err()).isZero();
        var relative = XenstoreUtils.run(asDom1, "xenstore-read", "data/greeting");
        assertThat(relative.out()).isEqualTo("hi\n");
        var other = XenstoreUtils.run(asDom1, "xenstore-write", "/local/domain/2/data/greeting", "hi");
        assertThat(other.exit()).isEqualTo(1);
        // libxenstore turns the ERROR reply's name back into errno: strace would show EACCES, the tool says why
        // through err(3) where it reports errno, and our own client sees the name itself.
        assertThat(XenstoreUtils.run(socket, "xenstore-read", "/local/domain/2/data/greeting").exit()).isEqualTo(1);
        try (XenstoreClient dom1 = XenstoreClient.connect(asDom1)) {
            assertThatThrownBy(() -> dom1.write("/local/domain/2/data/greeting", "hi"))
                .isInstanceOfSatisfying(XsErrorException.class, e -> assertThat(e.error()).isEqualTo(XsError.EACCES));
            assertThatThrownBy(() -> dom1.write("/local/domain/1/name", "renamed"))
                .isInstanceOfSatisfying(XsErrorException.class, e -> assertThat(e.error()).isEqualTo(XsError.EACCES));
        }
    }

    @Test
    void twoConcurrentTransactionsOneGetsEagain() throws Exception {
        XenstoreUtils.run(socket, "xenstore-write", "/tool/counter", "0");
        try (XenstoreClient c = XenstoreClient.connect(socket)) {
            int tx = c.transactionStart();
            assertThat(c.read(tx, "/tool/counter")).contains("0");
            c.write(tx, "/tool/counter", "from-java");
            // The tool writes two keys, so it runs its own transaction, and commits while ours is open.
            var tool = XenstoreUtils.run(socket, "xenstore-write", "/tool/counter", "from-tool", "/tool/other", "x");
            assertThat(tool.exit()).as(tool.err()).isZero();
            assertThatThrownBy(() -> c.transactionEnd(tx, true))
                .isInstanceOfSatisfying(XsErrorException.class, e -> assertThat(e.error()).isEqualTo(XsError.EAGAIN));
        }
        assertThat(XenstoreUtils.run(socket, "xenstore-read", "/tool/counter").out()).isEqualTo("from-tool\n");
    }
}
