package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Watches: tokens, the event on registration, subtree matching, depth, removal, the special paths. */
class WatchTest {
    private final Xenstored daemon = new Xenstored(Quotas.DEFAULT);
    private final TestConnection host = new TestConnection(daemon, 0);
    private final TestConnection watcher = new TestConnection(daemon, 0);

    private static XenstoreClient.WatchEvent ev(String path, String token) {
        return new XenstoreClient.WatchEvent(path, token);
    }

    @Test
    void firesOnceOnRegistrationWithTheWatchedPath() {
        assertThat(watcher.ask(XsType.WATCH, "/nothing/yet", "t1")).isEqualTo("OK");
        assertThat(watcher.takeEvents()).containsExactly(ev("/nothing/yet", "t1"));
    }

    @Test
    void firesForChangesAtAndBelowThePathWithItsToken() {
        watcher.ask(XsType.WATCH, "/a", "tok");
        watcher.takeEvents();
        host.write("/a/b/c", "1");
        host.write("/a", "2");
        host.write("/ab", "not below /a");
        host.ask(XsType.SET_PERMS, "/a/b", "n0", "r1");
        host.ask(XsType.RM, "/a/b");
        assertThat(watcher.takeEvents()).containsExactly(ev("/a/b/c", "tok"), ev("/a", "tok"), ev("/a/b", "tok"),
            ev("/a/b", "tok"));
    }

    @Test
    void removingAnAncestorFiresWatchesInsideWithTheirOwnPath() {
        host.write("/p/q/r", "");
        watcher.ask(XsType.WATCH, "/p/q/r", "deep");
        watcher.takeEvents();
        host.ask(XsType.RM, "/p");
        assertThat(watcher.takeEvents()).containsExactly(ev("/p/q/r", "deep"));
    }

    @Test
    void depthLimitsHowFarBelowAWatchMatches() {
        watcher.ask(XsType.WATCH, "/d", "one", "1");
        watcher.takeEvents();
        host.write("/d/x", "");
        host.write("/d/x/y", "");
        assertThat(watcher.takeEvents()).containsExactly(ev("/d/x", "one"));
    }

    @Test
    void duplicatesAreEexistAndUnwatchStopsEvents() {
        watcher.ask(XsType.WATCH, "/u", "t");
        assertThat(watcher.ask(XsType.WATCH, "/u", "t")).isEqualTo("ERROR EEXIST");
        assertThat(watcher.ask(XsType.WATCH, "/u", "other")).isEqualTo("OK");
        assertThat(watcher.ask(XsType.UNWATCH, "/u", "t")).isEqualTo("OK");
        assertThat(watcher.ask(XsType.UNWATCH, "/u", "t")).isEqualTo("ERROR ENOENT");
        watcher.takeEvents();
        host.write("/u", "1");
        assertThat(watcher.takeEvents()).containsExactly(ev("/u", "other"));
        assertThat(watcher.ask(XsType.RESET_WATCHES, "")).isEqualTo("OK");
        host.write("/u", "2");
        assertThat(watcher.takeEvents()).isEmpty();
    }

    @Test
    void relativeWatchesReportRelativePaths() {
        host.write("/local/domain/4/data", "");
        host.ask(XsType.SET_PERMS, "/local/domain/4/data", "n4");
        TestConnection dom4 = new TestConnection(daemon, 4);
        dom4.ask(XsType.WATCH, "data", "rel");
        assertThat(dom4.takeEvents()).containsExactly(ev("data", "rel"));
        host.write("/local/domain/4/data/x", "1");
        assertThat(dom4.takeEvents()).containsExactly(ev("data/x", "rel"));
    }

    @Test
    void domainsHearOnlyOfNodesTheyMayRead() {
        host.write("/local/domain/4/data", "");
        host.ask(XsType.SET_PERMS, "/local/domain/4/data", "n4");
        host.write("/secret", "");
        TestConnection dom4 = new TestConnection(daemon, 4);
        dom4.ask(XsType.WATCH, "/", "all");
        dom4.takeEvents();
        host.write("/secret/x", "1");
        host.write("/local/domain/4/data/y", "1");
        assertThat(dom4.takeEvents()).containsExactly(ev("/local/domain/4/data/y", "all"));
    }

    @Test
    void introduceAndReleaseFireTheSpecialWatches() {
        watcher.ask(XsType.WATCH, "@introduceDomain", "in");
        watcher.ask(XsType.WATCH, "@releaseDomain", "out", "1");
        watcher.ask(XsType.WATCH, "@releaseDomain/7", "seven");
        assertThat(watcher.takeEvents()).containsExactly(ev("@introduceDomain", "in"), ev("@releaseDomain", "out"),
            ev("@releaseDomain/7", "seven"));
        assertThat(host.ask(XsType.INTRODUCE, "7", "1044476", "5")).isEqualTo("OK");
        assertThat(host.ask(XsType.INTRODUCE, "7", "1044476", "5")).as("again: no event").isEqualTo("OK");
        assertThat(host.ask(XsType.IS_DOMAIN_INTRODUCED, "7")).isEqualTo("T");
        assertThat(host.ask(XsType.RELEASE, "7")).isEqualTo("OK");
        assertThat(host.ask(XsType.IS_DOMAIN_INTRODUCED, "7")).isEqualTo("F");
        assertThat(watcher.takeEvents()).containsExactly(ev("@introduceDomain", "in"), ev("@releaseDomain/7", "out"),
            ev("@releaseDomain/7", "seven"));
    }

    @Test
    void shutdownFiresReleaseOnceUntilResume() {
        host.ask(XsType.INTRODUCE, "3", "0", "0");
        watcher.ask(XsType.WATCH, "@releaseDomain", "r");
        watcher.takeEvents();
        daemon.locked(() -> {
            daemon.shutdown(3);
            daemon.shutdown(3);
            return null;
        });
        assertThat(watcher.takeEvents()).hasSize(1);
        assertThat(host.ask(XsType.RESUME, "3")).isEqualTo("OK");
        daemon.locked(() -> {
            daemon.shutdown(3);
            return null;
        });
        assertThat(watcher.takeEvents()).hasSize(1);
    }

    @Test
    void aDomainHearsSpecialEventsOnlyWhenDom0AllowsIt() {
        TestConnection dom5 = new TestConnection(daemon, 5);
        dom5.ask(XsType.WATCH, "@introduceDomain", "x");
        dom5.takeEvents();
        host.ask(XsType.INTRODUCE, "8", "0", "0");
        assertThat(dom5.takeEvents()).isEmpty();
        host.ask(XsType.SET_PERMS, "@introduceDomain", "n0", "r5");
        assertThat(host.call(XsType.GET_PERMS, 0, "@introduceDomain").payloadStrings()).isEqualTo(List.of("n0", "r5"));
        host.ask(XsType.INTRODUCE, "9", "0", "0");
        assertThat(dom5.takeEvents()).containsExactly(ev("@introduceDomain", "x"));
    }
}
