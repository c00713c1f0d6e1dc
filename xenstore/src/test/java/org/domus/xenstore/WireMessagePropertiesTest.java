package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of well-framed requests of every type, from the host and from a domain, straight into the
 * daemon: each is answered with its reply or one of Xen's errors, never EIO (the daemon's answer to an exception of
 * its own, that is a bug), each in bounded time, and the tree stays consistent (CONTROL check) with a domain's
 * nodes within its quota. The socket-level attacks are {@link ProtocolFuzzTest}'s.
 */
class WireMessagePropertiesTest {
    /** One request: who sends it, its type, the transaction it names, its NUL-separated arguments. */
    record Request(boolean fromDomain, int type, int tx, List<String> args) {
        byte[] payload() {
            StringBuilder b = new StringBuilder();
            for (String a : args) {
                b.append(a).append('\0');
            }
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @Property(tries = 400)
    void everyRequestGetsItsReplyOrXensErrorNeverAnInternalOne(@ForAll("sessions") List<Request> session) {
        Quotas quotas = Quotas.DEFAULT;
        Xenstored daemon = new Xenstored(quotas);
        TestConnection host = new TestConnection(daemon, 0);
        TestConnection domain = new TestConnection(daemon, 5);
        host.write("/local/domain/5", "");
        host.ask(XsType.SET_PERMS, "/local/domain/5", "n5");
        int[] tx = {0};
        for (Request r : session) {
            TestConnection c = r.fromDomain() ? domain : host;
            if (c.closed) {
                continue;
            }
            XsType type = XsType.of(r.type());
            if (type == null || type == XsType.WATCH_EVENT || type == XsType.ERROR) {
                continue; // not requests: the socket fuzz sends those
            }
            int t = r.tx() < 0 ? tx[0] : r.tx();
            long start = System.nanoTime();
            XsMessage reply = c.request(type, t, r.payload());
            assertThat(System.nanoTime() - start).as("%s took too long", r).isLessThan(2_000_000_000L);
            if (reply == null) {
                continue;
            }
            if (reply.type() == XsType.ERROR.number()) {
                assertThat(reply.payloadText()).as("%s", r).isNotEqualTo("EIO");
            } else if (type == XsType.TRANSACTION_START) {
                tx[0] = Integer.parseInt(reply.payloadText());
            }
            assertThat(reply.payload().length).isLessThanOrEqualTo(XsMessage.PAYLOAD_MAX);
        }
        assertThat(new TestConnection(daemon, 0).ask(XsType.CONTROL, "check")).isEqualTo("OK");
    }

    @Provide
    Arbitrary<List<Request>> sessions() {
        Arbitrary<Integer> type = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(12, Arbitraries.of(XsType.values()).map(XsType::number)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> tx = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(4, Arbitraries.just(-1)), // the last transaction started
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
        Arbitrary<String> word = Arbitraries.oneOf(
            Arbitraries.of("/", "/a", "/a/b", "/a/b/c", "/local/domain/5", "/local/domain/5/x", "x", "x/y", "../x",
                "/a//b", "/a/", "@introduceDomain", "@releaseDomain", "@x", "T", "F", "0", "5", "7", "-1", "65535",
                "4294967295", "99999999999", "n0", "r5", "b5", "w5", "n", "", "check", "quota", "log", "nodes",
                "memory", "help", "tok", "0x10", "1 2", "\u00ff"),
            Arbitraries.strings().withCharRange('\u0001', '\u00ff').ofMaxLength(40),
            Arbitraries.strings().withChars('a', '/').ofMinLength(1).ofMaxLength(3100));
        Arbitrary<List<String>> args = word.list().ofMaxSize(6);
        return Combinators.combine(Arbitraries.of(true, false), type, tx, args).as(Request::new).list().ofMaxSize(40);
    }
}
