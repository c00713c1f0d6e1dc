package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Quotas refuse a request (ENOSPC, E2BIG) or, for unread output, cut the one client off. */
class QuotaTest {
    private static final Quotas SMALL = new Quotas(10, 100, 2, 20, 3, 2, 4096);
    private final Xenstored daemon = new Xenstored(SMALL);
    private final TestConnection host = new TestConnection(daemon, 0);
    private final TestConnection dom1 = new TestConnection(daemon, 1);

    QuotaTest() {
        host.write("/local/domain/1", "");
        host.ask(XsType.SET_PERMS, "/local/domain/1", "n0", "b1");
    }

    @Test
    void nodesPerDomain() {
        for (int i = 0; i < 10; i++) {
            assertThat(dom1.write("/local/domain/1/n" + i, "")).isEqualTo("OK");
        }
        assertThat(dom1.write("/local/domain/1/n10", "")).isEqualTo("ERROR ENOSPC");
        assertThat(dom1.ask(XsType.RM, "/local/domain/1/n0")).isEqualTo("OK");
        assertThat(dom1.write("/local/domain/1/n10", "")).isEqualTo("OK");
        assertThat(host.write("/local/domain/1/byhost", "")).as("the host is not held to it").isEqualTo("OK");
    }

    @Test
    void nodesPerDomainCountsTransactions() {
        int t = dom1.startTransaction();
        for (int i = 0; i < 10; i++) {
            dom1.write(t, "/local/domain/1/n" + i, "");
        }
        assertThat(dom1.write(t, "/local/domain/1/more", "")).isEqualTo("ERROR ENOSPC");
    }

    @Test
    void nodeSize() {
        assertThat(dom1.write("/local/domain/1/v", "x".repeat(100))).isEqualTo("OK");
        assertThat(dom1.write("/local/domain/1/v", "x".repeat(101))).isEqualTo("ERROR E2BIG");
    }

    @Test
    void permissionEntries() {
        dom1.write("/local/domain/1/p", "");
        assertThat(dom1.ask(XsType.SET_PERMS, "/local/domain/1/p", "n1", "r2", "r3")).isEqualTo("OK");
        assertThat(dom1.ask(XsType.SET_PERMS, "/local/domain/1/p", "n1", "r2", "r3", "r4")).isEqualTo("ERROR ENOSPC");
    }

    @Test
    void nodesPerTransactionForDomains() {
        int t = dom1.startTransaction();
        // Each read touches the missing node and, to tell ENOENT from EACCES, its parent (once): 1 + 19 = 20.
        for (int i = 0; i < 19; i++) {
            assertThat(dom1.ask(XsType.READ, t, "/local/domain/1/missing" + i)).isEqualTo("ERROR ENOENT");
        }
        assertThat(dom1.ask(XsType.READ, t, "/local/domain/1/missing19")).isEqualTo("ERROR ENOSPC");
        int h = host.startTransaction();
        for (int i = 0; i < 50; i++) {
            assertThat(host.write(h, "/many/" + i, "")).isEqualTo("OK");
        }
        assertThat(host.end(h, true)).isEqualTo("OK");
    }

    @Test
    void watchesAndTransactionsPerConnection() {
        for (int i = 0; i < 3; i++) {
            assertThat(host.ask(XsType.WATCH, "/w", "t" + i)).isEqualTo("OK");
        }
        assertThat(host.ask(XsType.WATCH, "/w", "t3")).isEqualTo("ERROR ENOSPC");
        host.startTransaction();
        host.startTransaction();
        assertThat(host.ask(XsType.TRANSACTION_START, "")).isEqualTo("ERROR ENOSPC");
        assertThat(dom1.startTransaction()).as("another connection has its own").isPositive();
    }

    @Test
    void aClientThatDoesNotReadIsCutOffAndTheOthersGoOn() {
        host.write("/big", "x".repeat(1000));
        TestConnection slow = new TestConnection(daemon, 0);
        slow.reading = false;
        for (int i = 0; i < 5 && !slow.closed; i++) {
            slow.call(XsType.READ, 0, "/big");
        }
        assertThat(slow.closed).isTrue();
        assertThat(host.read("/big")).hasSize(1000);
        assertThat(daemon.check()).isNull();
    }

    @Test
    void aWatcherThatDoesNotReadIsCutOffByItsEvents() {
        TestConnection slow = new TestConnection(daemon, 0);
        slow.ask(XsType.WATCH, "/", "everything");
        slow.reading = false;
        for (int i = 0; i < 200; i++) {
            host.write("/spam/" + i, "");
        }
        assertThat(slow.closed).isTrue();
        assertThat(host.directory("/spam")).hasSize(200);
    }
}
