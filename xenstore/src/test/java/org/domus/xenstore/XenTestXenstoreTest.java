package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.domus.testsupport.E2E;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Xen's own xenstored test suite ({@code tools/tests/xenstore}, shipped by Debian as {@code test-xenstore} in
 * {@code xen-utils-4.17}) against our xenstored: every case it knows must pass, as against C xenstored.
 * {@code ./run-tests} unpacks the binary from Debian's package into the cache and names it in
 * {@code DOMUS_TEST_XENSTORE}; an installed {@code xen-utils-4.17} works as well.
 */
@EndToEnd
@Timeout(120)
class XenTestXenstoreTest {
    @TempDir
    Path dir;

    @Test
    void everyCaseOfXensOwnSuitePasses() throws Exception {
        Path binary = locate();
        Path socket = dir.resolve("xenstored.sock");
        try (XenstoreServer server = XenstoreServer.start(socket)) {
            List<String> names = listCases(binary, socket);
            assertThat(names).as("the suite lists its cases").contains("ta err", "ta rmw", "rm dir");
            List<String> failed = new ArrayList<>();
            StringBuilder log = new StringBuilder();
            for (String name : names) {
                var r = XenstoreUtils.run(socket, binary.toString(), "-t", name);
                log.append("== ").append(name).append(" (exit ").append(r.exit()).append(")\n").append(r.out())
                    .append(r.err());
                if (r.exit() != 0 || r.out().contains("failed")) {
                    failed.add(name);
                }
            }
            assertThat(failed).as(log.toString()).isEmpty();
            var all = XenstoreUtils.run(socket, binary.toString(), "-i", "3");
            assertThat(all.exit()).as(all.out() + all.err()).isZero();
            assertThat(all.out()).doesNotContain("failed");
        }
    }

    private static List<String> listCases(Path binary, Path socket) throws Exception {
        var r = XenstoreUtils.run(socket, binary.toString(), "-l");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> names = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                names.add(line.substring(0, colon).strip());
            }
        }
        return names;
    }

    private static Path locate() {
        String env = System.getenv("DOMUS_TEST_XENSTORE");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isEmpty()) {
            candidates.add(Path.of(env));
        }
        candidates.add(Path.of("/usr/lib/xen-4.17/bin/test-xenstore"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw E2E.unavailable("test-xenstore not found (Debian xen-utils-4.17; ./run-tests unpacks it and sets "
            + "DOMUS_TEST_XENSTORE)");
    }
}
