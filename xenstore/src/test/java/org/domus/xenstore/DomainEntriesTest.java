package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hypervisor's side: a domain's standard entries, introduce and release, read back over the socket. */
class DomainEntriesTest {
    private static final UUID UUID1 = UUID.fromString("3f7c2a1e-0000-4000-8000-000000000001");

    private static DomainEntries domU1() {
        return new DomainEntries(1, "domU1", UUID1, 262144, 131072, 2,
            Optional.of(new DomainEntries.StoreRing(5, 1044476)), Map.of("tty", "/run/domus/d1.console"),
            Instant.ofEpochSecond(1700000000, 250_000_000));
    }

    @Test
    void entriesAsInitDom0lessWritesThemWithTheRealName(@TempDir Path dir) throws Exception {
        try (XenstoreServer server = XenstoreServer.start(dir.resolve("sock"));
             XenstoreClient c = XenstoreClient.connect(server.socket())) {
            server.writeDomainEntries(domU1());
            String h = "/local/domain/1";
            assertThat(c.read(h + "/name")).contains("domU1");
            assertThat(server.domainName(1)).contains("domU1");
            assertThat(c.read(h + "/domid")).contains("1");
            assertThat(c.read(h + "/vm")).contains("/vm/" + UUID1);
            assertThat(c.read(h + "/memory/static-max")).contains("262144");
            assertThat(c.read(h + "/memory/target")).contains("131072");
            assertThat(c.read(h + "/memory/videoram")).contains("-1");
            assertThat(c.directory(h + "/cpu")).containsExactly("0", "1");
            assertThat(c.read(h + "/cpu/1/availability")).contains("online");
            assertThat(c.read(h + "/control/feature-poweroff")).contains("1");
            assertThat(c.read(h + "/control/platform-feature-xs_reset_watches")).contains("1");
            assertThat(c.read(h + "/store/port")).contains("5");
            assertThat(c.read(h + "/store/ring-ref")).contains("1044476");
            assertThat(c.read(h + "/console/tty")).contains("/run/domus/d1.console");
            assertThat(c.directory(h)).startsWith("vm", "name", "cpu", "memory", "device", "control", "domid",
                "data", "drivers", "feature", "attr", "store", "console");
            assertThat(c.getPerms(h + "/name")).containsExactly("n0", "r1");
            assertThat(c.getPerms(h + "/cpu/0")).containsExactly("n0", "r1");
            assertThat(c.getPerms(h + "/control/shutdown")).containsExactly("n1", "r0");
            assertThat(c.getPerms(h + "/data")).containsExactly("n1", "r0");
            assertThat(c.getPerms(h)).containsExactly("n0", "r1");
            assertThat(c.read("/vm/" + UUID1 + "/name")).contains("domU1");
            assertThat(c.read("/vm/" + UUID1 + "/uuid")).contains(UUID1.toString());
            assertThat(c.read("/vm/" + UUID1 + "/start_time")).contains("1700000000.25");
            assertThat(c.read("/libxl/1/type")).contains("pvh");
            assertThat(c.read("/libxl/1/dm-version")).contains("qemu_xen");
            assertThat(c.control("check")).isEqualTo("OK");
        }
    }

    @Test
    void aDomainReadsItsOwnEntriesAndWritesItsControlButNotItsName(@TempDir Path dir) {
        Xenstored daemon;
        try (XenstoreServer server = XenstoreServer.start(dir.resolve("sock"))) {
            server.writeDomainEntries(domU1());
            daemon = server.daemon();
            TestConnection dom1 = new TestConnection(daemon, 1);
            assertThat(dom1.read("name")).isEqualTo("domU1");
            assertThat(dom1.directory("/local/domain/1")).contains("control");
            assertThat(dom1.write("control/shutdown", "poweroff")).isEqualTo("OK");
            assertThat(dom1.write("control/feature-poweroff", "1")).isEqualTo("OK");
            assertThat(dom1.write("data/x", "1")).isEqualTo("OK");
            assertThat(dom1.write("name", "impostor")).isEqualTo("ERROR EACCES");
            assertThat(dom1.write("memory/target", "1")).isEqualTo("ERROR EACCES");
            assertThat(dom1.write("/local/domain/1/newkey", "x")).as("the home itself is dom0's")
                .isEqualTo("ERROR EACCES");
            assertThat(dom1.read("/vm/" + UUID1 + "/name")).isEqualTo("ERROR EACCES");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void rewritingReplacesTheOldEntriesAndRemovingLeavesNothing(@TempDir Path dir) throws Exception {
        try (XenstoreServer server = XenstoreServer.start(dir.resolve("sock"));
             XenstoreClient c = XenstoreClient.connect(server.socket())) {
            server.writeDomainEntries(domU1());
            c.write("/local/domain/1/data/left-over", "x");
            UUID reborn = UUID.randomUUID();
            server.writeDomainEntries(DomainEntries.of(1, "domU1", reborn, 131072, 1, Optional.empty()));
            assertThat(c.read("/local/domain/1/data/left-over")).isEmpty();
            assertThat(c.directory("/vm")).containsExactly(reborn.toString());
            assertThat(c.directory("/local/domain/1/cpu")).containsExactly("0");
            assertThat(c.read("/local/domain/1/store/port")).isEmpty();
            server.removeDomainEntries(1);
            assertThat(c.directory("/local/domain")).isEmpty();
            assertThat(c.directory("/vm")).isEmpty();
            assertThat(c.directory("/libxl")).isEmpty();
            server.removeDomainEntries(1);
        }
    }

    @Test
    void introduceAndReleaseFireTheSpecialWatchesOverTheSocket(@TempDir Path dir) throws Exception {
        try (XenstoreServer server = XenstoreServer.start(dir.resolve("sock"));
             XenstoreClient c = XenstoreClient.connect(server.socket())) {
            List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
            server.addDomainListener(new DomainListener() {
                public void introduced(int domid, long gfn, int port) {
                    told.add("in " + domid + " " + gfn + " " + port);
                }

                public void released(int domid) {
                    told.add("out " + domid);
                }
            });
            c.watch("@introduceDomain", "i");
            c.watch("@releaseDomain", "r");
            c.watch("/local/domain", "entries");
            assertThat(c.nextEvent(java.time.Duration.ofSeconds(5))).isPresent();
            assertThat(c.nextEvent(java.time.Duration.ofSeconds(5))).isPresent();
            assertThat(c.nextEvent(java.time.Duration.ofSeconds(5))).isPresent();
            server.writeDomainEntries(domU1());
            server.introduceDomain(1, 1044476, 5);
            assertThat(c.isDomainIntroduced(1)).isTrue();
            List<String> got = new java.util.ArrayList<>();
            Optional<XenstoreClient.WatchEvent> e;
            while ((e = c.nextEvent(java.time.Duration.ofMillis(300))).isPresent()) {
                got.add(e.get().token() + " " + e.get().path());
            }
            assertThat(got).contains("entries /local/domain/1/name", "i @introduceDomain");
            server.domainShutDown(1);
            assertThat(c.nextEvent(java.time.Duration.ofSeconds(5))).contains(
                new XenstoreClient.WatchEvent("@releaseDomain", "r"));
            assertThat(server.releaseDomain(1)).isTrue();
            assertThat(c.nextEvent(java.time.Duration.ofSeconds(5))).contains(
                new XenstoreClient.WatchEvent("@releaseDomain", "r"));
            assertThat(server.releaseDomain(1)).isFalse();
            c.introduce(2, 77, 3);
            assertThat(told).containsExactly("in 1 1044476 5", "out 1", "in 2 77 3");
        }
    }
}
