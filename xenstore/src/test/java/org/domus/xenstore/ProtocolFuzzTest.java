package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random, malformed and truncated messages on the real socket, from the host and from a domain: xenstored
 * never dies, the tree keeps its invariants (CONTROL check), a domain cannot touch what is not its own, and a
 * well-behaved client on another connection is answered after every attack.
 */
class ProtocolFuzzTest {
    private static final String CANARY = "/canary/value";
    private static Path dir;
    private static XenstoreServer server;
    private static Path hostSocket;
    private static Path domainSocket;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("xs-fuzz");
        hostSocket = dir.resolve("host.sock");
        domainSocket = dir.resolve("dom5.sock");
        server = XenstoreServer.start(hostSocket, Quotas.DEFAULT.withPendingOutputBytes(256 * 1024));
        server.listenAsDomain(domainSocket, 5);
        try (XenstoreClient c = XenstoreClient.connect(hostSocket)) {
            c.write(CANARY, "intact");
            c.write("/local/domain/5/data", "");
            c.setPerms("/local/domain/5/data", "n5");
            c.setPerms("/local/domain/5", "n0", "r5");
        }
    }

    @AfterContainer
    static void stop() throws IOException {
        server.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 300)
    void domainGarbageNeverHarmsTheStore(@ForAll("streams") byte[] attack) throws IOException {
        blast(domainSocket, attack);
        assertHealthy(true);
    }

    @Property(tries = 200)
    void hostGarbageNeverBreaksTheTreeOrTheServer(@ForAll("streams") byte[] attack) throws IOException {
        blast(hostSocket, attack);
        assertHealthy(false);
    }

    /** Sends the bytes, reads a little of the answer or none, and hangs up (possibly mid-message). */
    private static void blast(Path socket, byte[] attack) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.wrap(attack);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            // the server may cut a violator off while it is still writing: that is the point
        }
    }

    private static void assertHealthy(boolean canaryMustHold) throws IOException {
        try (XenstoreClient c = XenstoreClient.connect(hostSocket)) {
            assertThat(c.control("check")).isEqualTo("OK");
            if (canaryMustHold) {
                assertThat(c.read(CANARY)).contains("intact");
            } else {
                c.write(CANARY, "intact");
            }
            c.write("/health/probe", "ok");
            assertThat(c.read("/health/probe")).contains("ok");
        }
    }

    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> message = Arbitraries.oneOf(wellFramed(), wellFramed(), truncated(), oversized(),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64));
        return message.list().ofMaxSize(12).map(ProtocolFuzzTest::concat);
    }

    /** A header and payload that agree on the length, with a plausible or random type and arguments. */
    private Arbitrary<byte[]> wellFramed() {
        Arbitrary<Integer> type = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 26)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> tx = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 40)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
        return Combinators.combine(type, Arbitraries.integers(), tx, payload())
            .as((t, req, txid, p) -> header(t, req, txid, p.length, p));
    }

    private Arbitrary<byte[]> payload() {
        Arbitrary<String> word = Arbitraries.of("/", "/a", "/a/b", "/canary", CANARY, "/local/domain/5/data/x",
            "/local/domain/5", "data/y", "@introduceDomain", "@releaseDomain", "@releaseDomain/5", "T", "F", "0",
            "5", "7", "65535", "n0", "r5", "b5", "w1", "x9", "", "check", "quota", "nodes", "tok", "a//b",
            "/" + "z".repeat(3100), "-1", "4096");
        Arbitrary<byte[]> strings = word.list().ofMaxSize(5).map(ws -> {
            StringBuilder b = new StringBuilder();
            for (String w : ws) {
                b.append(w).append('\0');
            }
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        });
        Arbitrary<byte[]> unterminated = strings.map(b -> b.length > 0 ? java.util.Arrays.copyOf(b, b.length - 1) : b);
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.oneOf(strings, strings, unterminated, random)
            .filter(b -> b.length <= XsMessage.PAYLOAD_MAX);
    }

    /** A message cut short: the header promises more than follows (the connection then hangs up). */
    private Arbitrary<byte[]> truncated() {
        return wellFramed().flatMap(m -> Arbitraries.integers().between(0, m.length)
            .map(n -> java.util.Arrays.copyOf(m, n)));
    }

    /** A header announcing more than XENSTORE_PAYLOAD_MAX: the server must drop the connection. */
    private Arbitrary<byte[]> oversized() {
        return Arbitraries.integers().between(XsMessage.PAYLOAD_MAX + 1, Integer.MAX_VALUE)
            .map(len -> header(2, 1, 0, len, new byte[0]));
    }

    private static byte[] header(int type, int req, int tx, int len, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder());
        b.putInt(type).putInt(req).putInt(tx).putInt(len).put(payload);
        return b.array();
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        ByteBuffer b = ByteBuffer.allocate(n);
        parts.forEach(b::put);
        return b.array();
    }
}
