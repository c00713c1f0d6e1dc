package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Control-socket lines that are JSON but not what the protocol says: random members and values of every JSON type
 * (nested, huge numbers, wrong types), as requests to the server and as replies to a client (a hostile or confused
 * peer on a socket of the same name). Only the codec's own refusals escape, in one line and bounded time; nesting
 * as deep as a line allows ends in a refusal, not a stack overflow.
 */
class ControlWirePropertiesTest {
    private static final List<ControlRequest<?>> REQUESTS = List.of(new ControlRequest.SystemQuery(),
            new ControlRequest.ListDomains(true), new ControlRequest.Info("d1"), new ControlRequest.VcpuList(null),
            new ControlRequest.VcpuPin("d1", 0, "0"), new ControlRequest.Dmesg(), new ControlRequest.InitDom0less(),
            new ControlRequest.Console("d1", true), new ControlRequest.Shutdown("d1"), new ControlRequest.Create("d1"),
            new ControlRequest.Sysrq("d1", "h"), new ControlRequest.MemSet("d1", 65536), new ControlRequest.VcpuSet("d1", 1),
            new ControlRequest.CpupoolList("Pool-1"));

    @Property(tries = 1500)
    void anyJsonObjectIsARequestOrRefusedInOneLine(@ForAll("requestLines") String line) {
        long start = System.nanoTime();
        try {
            ControlCodec.decodeRequest(line.getBytes(StandardCharsets.UTF_8));
        } catch (ControlCodec.Malformed e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
        }
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    @Property(tries = 1500)
    void anyJsonObjectIsAReplyOrRefusedInOneLine(@ForAll("replyLines") String line, @ForAll("requests") ControlRequest<?> request) {
        long start = System.nanoTime();
        try {
            ControlCodec.decodeReply(line.getBytes(StandardCharsets.UTF_8), request);
        } catch (ControlCodec.Malformed | ControlException e) {
            assertThat(e.getMessage()).isNotNull().doesNotContain("\n", "\r");
        }
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    @Example
    void nestingAsDeepAsALineAllowsIsRefused() {
        int depth = ControlCodec.MAX_LINE / 2 - 16;
        String deep = "{\"v\":1,\"op\":\"list\",\"all\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertThatThrownBy(() -> ControlCodec.decodeRequest(deep.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ControlCodec.Malformed.class);
        String reply = "{\"v\":1,\"ok\":true,\"result\":" + "{\"a\":".repeat(depth / 6) + "1" + "}".repeat(depth / 6) + "}";
        assertThatThrownBy(() -> ControlCodec.decodeReply(reply.getBytes(StandardCharsets.US_ASCII), new ControlRequest.SystemQuery()))
                .isInstanceOf(ControlCodec.Malformed.class);
    }

    @Example
    void aLineWithoutEndIsCutAtTheLimit() {
        byte[] endless = new byte[ControlCodec.MAX_LINE + 10];
        java.util.Arrays.fill(endless, (byte) 'x');
        assertThatThrownBy(() -> ControlCodec.readLine(new ByteArrayInputStream(endless)))
                .isInstanceOf(ControlCodec.LineTooLong.class);
    }

    @Provide
    Arbitrary<ControlRequest<?>> requests() {
        return Arbitraries.of(REQUESTS);
    }

    @Provide
    Arbitrary<String> requestLines() {
        Arbitrary<String> op = Arbitraries.oneOf(Arbitraries.of("system", "list", "info", "pause", "unpause", "shutdown",
                "reboot", "destroy", "create", "vcpu-list", "vcpu-pin", "dmesg", "init-dom0less", "console", "sysrq", "mem-set", "vcpu-set", "cpupool-list").map(ControlWirePropertiesTest::quoted),
                value(2));
        Arbitrary<String> version = Arbitraries.oneOf(Arbitraries.just("1"), value(1));
        Arbitrary<String> members = member(List.of("domain", "all", "timeout", "wait", "force", "vcpu", "cpus", "input", "key", "targetKib", "vcpus", "pool", "v", "op", "x"))
                .list().ofMaxSize(5).map(l -> String.join("", l.stream().map(m -> "," + m).toList()));
        return Combinators.combine(version, op, members).as((v, o, rest) -> "{\"v\":" + v + ",\"op\":" + o + rest + "}");
    }

    @Provide
    Arbitrary<String> replyLines() {
        Arbitrary<String> result = member(List.of("name", "pid", "runDir", "socket", "started", "domains", "xenstore", "id",
                "state", "vcpus", "events", "domain", "input", "inits", "note", "x"))
                .list().ofMaxSize(8).map(l -> "{" + String.join(",", l) + "}");
        Arbitrary<String> body = Arbitraries.oneOf(
                result.map(r -> "\"ok\":true,\"result\":" + r),
                value(2).map(r -> "\"ok\":true,\"result\":" + r),
                value(1).map(e -> "\"ok\":false,\"error\":" + e),
                value(1).map(o -> "\"ok\":" + o));
        Arbitrary<String> version = Arbitraries.oneOf(Arbitraries.just("1"), Arbitraries.just("1"), value(1));
        return Combinators.combine(version, body).as((v, b) -> "{\"v\":" + v + "," + b + "}");
    }

    private static Arbitrary<String> member(List<String> names) {
        return Combinators.combine(Arbitraries.of(names), value(3)).as((n, v) -> quoted(n) + ":" + v);
    }

    /** Any JSON value, nested up to {@code depth}. */
    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(List.of(
                Arbitraries.of("null", "true", "false", "0", "-1", "1.5", "1e400", "-0", "9223372036854775808",
                        "18446744073709551616", "123456789012345678901234567890", "4294967295", "2147483648"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(20).map(ControlWirePropertiesTest::quoted),
                Arbitraries.of("d1", "all", "0-1", "0-", "-1", "", "domU1", "1-0", "0,0", "99999999999999999999")
                        .map(ControlWirePropertiesTest::quoted)));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> inner = value(depth - 1);
        Arbitrary<String> array = inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6), inner)
                .as((k, v) -> quoted(k) + ":" + v).list().ofMaxSize(3).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, scalar), net.jqwik.api.Tuple.of(1, array),
                net.jqwik.api.Tuple.of(1, object));
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append("\\u%04x".formatted((int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
