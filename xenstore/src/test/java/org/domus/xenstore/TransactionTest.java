package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Transactions: private until commit, EAGAIN when something they read or wrote changed meanwhile. */
class TransactionTest {
    private final Xenstored daemon = new Xenstored(Quotas.DEFAULT);
    private final TestConnection a = new TestConnection(daemon, 0);
    private final TestConnection b = new TestConnection(daemon, 0);

    @Test
    void writesAreInvisibleOutsideUntilCommit() {
        int t = a.startTransaction();
        assertThat(a.write(t, "/tx/x", "1")).isEqualTo("OK");
        assertThat(a.ask(XsType.READ, t, "/tx/x")).isEqualTo("1");
        assertThat(b.read("/tx/x")).isEqualTo("ERROR ENOENT");
        assertThat(a.end(t, true)).isEqualTo("OK");
        assertThat(b.read("/tx/x")).isEqualTo("1");
    }

    @Test
    void abortDiscards() {
        int t = a.startTransaction();
        a.write(t, "/tx/y", "1");
        assertThat(a.end(t, false)).isEqualTo("OK");
        assertThat(b.read("/tx/y")).isEqualTo("ERROR ENOENT");
        assertThat(a.end(t, true)).isEqualTo("ERROR ENOENT");
    }

    @Test
    void twoTransactionsOnTheSameNodeTheSecondCommitGetsEagain() {
        a.write("/counter", "0");
        int t1 = a.startTransaction();
        int t2 = b.startTransaction();
        assertThat(a.ask(XsType.READ, t1, "/counter")).isEqualTo("0");
        assertThat(b.ask(XsType.READ, t2, "/counter")).isEqualTo("0");
        a.write(t1, "/counter", "1");
        b.write(t2, "/counter", "1");
        assertThat(a.end(t1, true)).isEqualTo("OK");
        assertThat(b.end(t2, true)).isEqualTo("ERROR EAGAIN");
        assertThat(a.read("/counter")).isEqualTo("1");
        assertThat(b.ask(XsType.READ, t2, "/counter")).isEqualTo("ERROR ENOENT");
    }

    @Test
    void aReadAloneConflictsWithAWriteOutside() {
        a.write("/r", "0");
        int t = a.startTransaction();
        a.ask(XsType.READ, t, "/r");
        a.write(t, "/elsewhere", "x");
        b.write("/r", "changed");
        assertThat(a.end(t, true)).isEqualTo("ERROR EAGAIN");
        assertThat(b.read("/elsewhere")).isEqualTo("ERROR ENOENT");
    }

    @Test
    void aTransactionKeepsReadingWhatItFirstReadWhileOthersChangeIt() {
        a.write("/stable/x", "before");
        int t = a.startTransaction();
        assertThat(a.ask(XsType.READ, t, "/stable/x")).isEqualTo("before");
        assertThat(a.ask(XsType.DIRECTORY, t, "/stable")).isEqualTo("x");
        b.write("/stable/x", "after");
        b.write("/stable/y", "new");
        assertThat(a.ask(XsType.READ, t, "/stable/x")).as("as of the first read").isEqualTo("before");
        assertThat(a.ask(XsType.DIRECTORY, t, "/stable")).as("as of the first listing").isEqualTo("x");
        assertThat(a.read("/stable/x")).isEqualTo("after");
        a.write(t, "/stable/x", "mine");
        assertThat(a.end(t, true)).isEqualTo("ERROR EAGAIN");
        assertThat(b.read("/stable/x")).isEqualTo("after");
    }

    @Test
    void unrelatedChangesDoNotConflict() {
        a.write("/one/x", "0");
        b.write("/two/y", "0");
        int t = a.startTransaction();
        a.write(t, "/one/x", "1");
        b.write("/two/y", "1");
        assertThat(a.end(t, true)).isEqualTo("OK");
    }

    @Test
    void removalsAndRecreationInsideATransaction() {
        a.write("/tree/a/b", "1");
        int t = a.startTransaction();
        assertThat(a.ask(XsType.RM, t, "/tree/a")).isEqualTo("OK");
        assertThat(a.ask(XsType.READ, t, "/tree/a/b")).isEqualTo("ERROR ENOENT");
        assertThat(a.write(t, "/tree/a/c", "2")).isEqualTo("OK");
        assertThat(a.call(XsType.DIRECTORY, t, "/tree/a").payloadStrings()).containsExactly("c");
        assertThat(b.read("/tree/a/b")).isEqualTo("1");
        assertThat(a.end(t, true)).isEqualTo("OK");
        assertThat(b.directory("/tree/a")).containsExactly("c");
        assertThat(daemon.check()).isNull();
    }

    @Test
    void unknownTransactionIdsAndNestingAreRefused() {
        assertThat(a.ask(XsType.READ, 999, "/")).isEqualTo("ERROR ENOENT");
        int t = a.startTransaction();
        assertThat(a.ask(XsType.TRANSACTION_START, t, "")).isEqualTo("ERROR EBUSY");
        assertThat(b.ask(XsType.READ, t, "/")).as("another connection's transaction").isEqualTo("ERROR ENOENT");
        assertThat(a.ask(XsType.TRANSACTION_END, t, "X")).isEqualTo("ERROR EINVAL");
    }

    @Test
    void watchesHearOfATransactionOnlyWhenItCommits() {
        b.call(XsType.WATCH, 0, "/w", "tok");
        b.takeEvents();
        int t = a.startTransaction();
        a.write(t, "/w/x", "1");
        assertThat(b.takeEvents()).isEmpty();
        a.end(t, true);
        assertThat(b.takeEvents()).containsExactly(new XenstoreClient.WatchEvent("/w/x", "tok"));
    }
}
