package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The control protocol's one codec: every request and every reply comes back equal from its line, each line is one
 * line, and what is not a request is refused with a message that names what is wrong (never another exception).
 */
class ControlCodecTest {

    // ---- round trips ----

    @Property(tries = 500)
    void everyRequestComesBackFromItsLine(@ForAll("requests") ControlRequest<?> request) throws Exception {
        byte[] line = ControlCodec.encode(request);
        assertOneLine(line);
        assertThat(ControlCodec.decodeRequest(withoutNewline(line))).isEqualTo(request);
    }

    @Property(tries = 500)
    void everyReplyComesBackFromItsLine(@ForAll("exchanges") Exchange exchange) throws Exception {
        byte[] line = ControlCodec.encodeReply(exchange.reply());
        assertOneLine(line);
        assertThat(ControlCodec.decodeReply(withoutNewline(line), exchange.request())).isEqualTo(exchange.reply());
    }

    @Property(tries = 200)
    void aRefusalComesBackAsItsLine(@ForAll("requests") ControlRequest<?> request, @ForAll("texts") String message) {
        byte[] line = ControlCodec.encodeError(message);
        assertOneLine(line);
        assertThatThrownBy(() -> ControlCodec.decodeReply(withoutNewline(line), request))
                .isInstanceOf(ControlException.class).hasMessage(message);
    }

    /** Any bytes at all: a request, or Malformed with a one-line message; nothing else escapes the codec. */
    @Property(tries = 2000)
    void anyBytesAreARequestOrRefusedInOneLine(@ForAll("junk") byte[] line) {
        try {
            ControlCodec.decodeRequest(line);
        } catch (ControlCodec.Malformed e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
        }
    }

    /** A valid request cut anywhere is refused, never taken for another request. */
    @Property(tries = 300)
    void aTruncatedRequestIsRefused(@ForAll("requests") ControlRequest<?> request, @ForAll("fractions") double cut) {
        byte[] line = withoutNewline(ControlCodec.encode(request));
        byte[] truncated = Arrays.copyOf(line, (int) (cut * (line.length - 1)));
        assertThatThrownBy(() -> ControlCodec.decodeRequest(truncated)).isInstanceOf(ControlCodec.Malformed.class);
    }

    // ---- what the members mean ----

    @Example
    void absentMembersTakeTheRequestRecordsDefaults() throws Exception {
        assertThat(decode("{\"v\":1,\"op\":\"shutdown\",\"domain\":\"web\"}")).isEqualTo(new ControlRequest.Shutdown("web"));
        assertThat(decode("{\"v\":1,\"op\":\"reboot\",\"domain\":\"web\",\"timeout\":null}")).isEqualTo(new ControlRequest.Reboot("web"));
        assertThat(decode("{\"op\":\"list\",\"v\":1}")).isEqualTo(new ControlRequest.ListDomains(false));
        assertThat(decode("{\"v\":1,\"op\":\"vcpu-list\"}")).isEqualTo(new ControlRequest.VcpuList());
        assertThat(decode("{\"v\":1,\"op\":\"cpupool-list\"}")).isEqualTo(new ControlRequest.CpupoolList());
        assertThat(decode("{\"v\":1,\"op\":\"cpupool-list\",\"pool\":\"Pool-1\"}")).isEqualTo(new ControlRequest.CpupoolList("Pool-1"));
        assertThat(decode("{\"v\":1,\"op\":\"console\",\"domain\":\"d1\"}")).isEqualTo(new ControlRequest.Console("d1", true));
        assertThat(decode("{\"v\":1,\"op\":\"vcpu-pin\",\"domain\":\"d1\",\"vcpu\":\"all\",\"cpus\":\"0-1\"}"))
                .isEqualTo(new ControlRequest.VcpuPin("d1", ControlRequest.VcpuPin.ALL, "0-1"));
        assertThat(decode(" {\"v\":1,\"op\":\"create\",\"domain\":\"web\"}\r")).isEqualTo(new ControlRequest.Create("web"));
        assertThat(decode("{\"v\":1,\"op\":\"mem-set\",\"domain\":\"d1\",\"targetKib\":65536}"))
                .isEqualTo(new ControlRequest.MemSet("d1", 65536));
        assertThat(decode("{\"v\":1,\"op\":\"vcpu-set\",\"domain\":\"d1\",\"vcpus\":1}")).isEqualTo(new ControlRequest.VcpuSet("d1", 1));
        assertThat(decode("{\"v\":1,\"op\":\"sysrq\",\"domain\":\"d1\",\"key\":\"h\"}")).isEqualTo(new ControlRequest.Sysrq("d1", "h"));
    }

    @Example
    void xlsSysrqMemSetAndVcpuSetRefuseWhatXlRefuses() {
        assertMalformed("{\"v\":1,\"op\":\"sysrq\",\"domain\":\"d1\",\"key\":\"hh\"}",
                "request 'sysrq': sysrq key 'hh': give one letter, digit or sign, as sysrq.rst lists them (h: help)");
        assertMalformed("{\"v\":1,\"op\":\"sysrq\",\"domain\":\"d1\",\"key\":\" \"}",
                "request 'sysrq': sysrq key ' ': give one letter, digit or sign, as sysrq.rst lists them (h: help)");
        assertMalformed("{\"v\":1,\"op\":\"mem-set\",\"domain\":\"d1\",\"targetKib\":-1}",
                "request 'mem-set': memory target -1 KiB: give a size from 0");
        assertMalformed("{\"v\":1,\"op\":\"vcpu-set\",\"domain\":\"d1\",\"vcpus\":0}",
                "request 'vcpu-set': requested 0 vCPUs: a domain keeps at least one");
        assertMalformed("{\"v\":1,\"op\":\"vcpu-set\",\"domain\":\"d1\",\"vcpus\":4294967297}",
                "request 'vcpu-set': 'vcpus' is 4294967297, out of range");
    }

    @Example
    void memorySizesReadAsXlReadsThem() {
        // xl's parse_mem_size_kb: a bare number is MiB; t, g, m, k, b in either case; bytes rounded down to KiB
        assertThat(ControlRequest.MemSet.kib("512")).isEqualTo(512 * 1024);
        assertThat(ControlRequest.MemSet.kib("512m")).isEqualTo(512 * 1024);
        assertThat(ControlRequest.MemSet.kib("1G")).isEqualTo(1024 * 1024);
        assertThat(ControlRequest.MemSet.kib("1t")).isEqualTo(1L << 30);
        assertThat(ControlRequest.MemSet.kib("131072k")).isEqualTo(131072);
        assertThat(ControlRequest.MemSet.kib("4097b")).isEqualTo(4);
        for (String bad : List.of("", "m", "1.5g", "-1m", "12x", "1mb", "0x10m", "99999999999999999999")) {
            assertThatThrownBy(() -> ControlRequest.MemSet.kib(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid memory size: '" + bad + "'");
        }
        assertThatThrownBy(() -> ControlRequest.MemSet.kib("9999999999t")).hasMessage("invalid memory size: '9999999999t' is too large");
    }

    @Example
    void eachMalformedRequestSaysWhatIsWrong() {
        assertMalformed("", "an empty line is no request: send one JSON object per line");
        assertMalformed("list", "the request is not valid JSON: Unrecognized token 'list' (column 1)");
        assertMalformed("{\"v\":1,\"op\":\"list\"", "the request is not valid JSON: Unexpected end-of-input: expected close marker "
                + "for Object (column 19)");
        assertMalformed("{\"v\":NaN}", "the request is not valid JSON: Non-standard token 'NaN' (column 9)");
        assertMalformed("{\"v\":1,\"op\":\"\u0001\"}", "the request is not valid JSON: Illegal unquoted character ((CTRL-CHAR, "
                + "code 1)): has to be escaped using backslash to be included in string value (column 14)");
        assertMalformed("{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}", "the request nests deeper than 16 levels");
        assertMalformed("[]", "the request is not a JSON object (it starts with an array)");
        assertMalformed("{\"v\":1,\"op\":\"list\"} {}", "the request has more after its JSON object (column 22)");
        assertMalformed("{\"op\":\"list\"}", "the request has no protocol version 'v' (this Domus speaks 1)");
        assertMalformed("{\"v\":2,\"op\":\"list\"}",
                "control protocol version 2 is not spoken here (this Domus speaks 1): use the same domus for both");
        assertMalformed("{\"v\":1.0,\"op\":\"list\"}", "the request: 'v' is a fraction or an out-of-range number, not a whole number");
        assertMalformed("{\"v\":1}", "the request has no 'op' (a string)");
        assertMalformed("{\"v\":1,\"op\":\"frob\\u001b[2J\"}", "unknown request 'frob\\u001b[2J'");
        assertMalformed("{\"v\":1,\"op\":\"pause\"}", "request 'pause' has no 'domain' (a string)");
        assertMalformed("{\"v\":1,\"op\":\"pause\",\"domain\":\"\"}", "request 'pause': no domain named: give its name, id or dN");
        assertMalformed("{\"v\":1,\"op\":\"pause\",\"domain\":[\"a\"]}", "request 'pause': 'domain' is an array, not a string");
        assertMalformed("{\"v\":1,\"op\":\"pause\",\"domain\":\"a\",\"force\":true}", "request 'pause' has no member 'force'");
        assertMalformed("{\"v\":1,\"op\":\"list\",\"all\":1}", "request 'list': 'all' is a whole number, not true or false");
        assertMalformed("{\"v\":1,\"op\":\"list\",\"op\":\"list\"}", "the request has member 'op' twice");
        assertMalformed("{\"v\":1,\"op\":\"shutdown\",\"domain\":\"a\",\"timeout\":-1}",
                "request 'shutdown': timeout -1 s: give 0 to 31536000 seconds");
        assertMalformed("{\"v\":1,\"op\":\"reboot\",\"domain\":\"a\",\"timeout\":31536001}",
                "request 'reboot': timeout 31536001 s: give 0 to 31536000 seconds");
        assertMalformed("{\"v\":1,\"op\":\"shutdown\",\"domain\":\"a\",\"timeout\":99999999999999999999}",
                "request 'shutdown': 'timeout' is a fraction or an out-of-range number, not a whole number");
        assertMalformed("{\"v\":1,\"op\":\"vcpu-pin\",\"domain\":\"a\",\"vcpu\":-1,\"cpus\":\"0\"}",
                "request 'vcpu-pin': 'vcpu' is -1, not a vCPU number from 0 or \"all\"");
        assertMalformed("{\"v\":1,\"op\":\"vcpu-pin\",\"domain\":\"a\",\"vcpu\":\"one\",\"cpus\":\"0\"}",
                "request 'vcpu-pin': 'vcpu' is \"one\", not a vCPU number from 0 or \"all\"");
        assertMalformed("{\"v\":1,\"op\":\"vcpu-pin\",\"domain\":\"a\",\"vcpu\":0,\"cpus\":\" \"}",
                "request 'vcpu-pin': no host CPUs given: a list such as 0-1,3, or all");
    }

    @Example
    void bytesThatAreNotUtf8AreRefusedWhereTheyAre() {
        assertMalformed(new byte[] {'{', '"', 'v', '"', ':', (byte) 0xff, '}'}, "the request is not UTF-8 (byte 5 is 0xff)");
        assertMalformed(new byte[] {'{', '"', (byte) 0xc0, (byte) 0x80, '"', ':', '1', '}'}, "the request is not UTF-8 (byte 2 is 0xc0)");
        assertMalformed(new byte[] {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}, "the request is not UTF-8 (byte 2 is 0xed)");
        assertMalformed(new byte[] {'{', '"', (byte) 0xe2, (byte) 0x82}, "the request is not UTF-8 (byte 2 is 0xe2)");
    }

    @Example
    void aLongOpIsQuotedShort() {
        String op = "x".repeat(1000);
        assertMalformed("{\"v\":1,\"op\":\"" + op + "\"}", "unknown request '" + "x".repeat(64) + "…'");
    }

    @Example
    void linesAreReadWithoutReadingPastTheirNewline() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream("{\"v\":1}\nraw console bytes\u0000".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(ControlCodec.readLine(in), StandardCharsets.UTF_8)).isEqualTo("{\"v\":1}");
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("raw console bytes\u0000");
        assertThat(ControlCodec.readLine(in)).isNull();
        assertThat(ControlCodec.readLine(new ByteArrayInputStream("last".getBytes(StandardCharsets.UTF_8)))).asString(StandardCharsets.UTF_8)
                .isEqualTo("last");
        assertThatThrownBy(() -> ControlCodec.readLine(new ByteArrayInputStream(new byte[ControlCodec.MAX_LINE + 1])))
                .isInstanceOf(ControlCodec.LineTooLong.class);
    }

    @Example
    void anAnswerOfAnotherVersionOrShapeIsMalformedButItsRefusalIsShown() {
        ControlRequest.Info info = new ControlRequest.Info("web");
        assertThatThrownBy(() -> ControlCodec.decodeReply(bytes("{\"v\":2,\"ok\":true,\"result\":{}}"), info))
                .isInstanceOf(ControlCodec.Malformed.class).hasMessageContaining("version 2, this domus speaks 1");
        assertThatThrownBy(() -> ControlCodec.decodeReply(bytes("{\"v\":2,\"ok\":false,\"error\":\"version 1 is not spoken here\"}"), info))
                .isInstanceOf(ControlException.class).hasMessage("version 1 is not spoken here");
        assertThatThrownBy(() -> ControlCodec.decodeReply(bytes("{\"v\":1,\"ok\":true,\"result\":[]}"), info))
                .isInstanceOf(ControlCodec.Malformed.class).hasMessage("the answer: 'result' is an array, not an object");
        assertThatThrownBy(() -> ControlCodec.decodeReply(bytes("{\"v\":1,\"ok\":true,\"result\":{\"id\":1}}"), info))
                .isInstanceOf(ControlCodec.Malformed.class).hasMessage("the answer's result has no 'name' (a string)");
    }

    @Example
    void jsonOutputHasTheWiresMembersIndented() {
        DomainInfo d = new DomainInfo(1, "web", "running", "r-----", 65536, 1, 0.5, 2.0, 0, "", "qemu", "Image", "", "quiet",
                "run/d1-web", List.of("all"));
        assertThat(ControlCodec.toJson(new ControlReply.OneDomain(d))).startsWith("{\n  \"id\" : 1,\n  \"name\" : \"web\",")
                .contains("\"affinity\" : [ \"all\" ]");
        assertThat(ControlCodec.toJson(new ControlReply.Domains(List.of(d, d)))).startsWith("[ {").endsWith("} ]");
    }

    // ---- generators ----

    /** A request and a reply of the type it gets. */
    record Exchange(ControlRequest<?> request, ControlReply reply) {
    }

    @Provide
    Arbitrary<ControlRequest<?>> requests() {
        Arbitrary<String> domain = texts().filter(s -> !s.isEmpty());
        Arbitrary<Duration> timeout = Arbitraries.longs().between(0, ControlRequest.MAX_TIMEOUT.toSeconds()).map(Duration::ofSeconds);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Arbitraries.oneOf(List.of(
                Arbitraries.just(new ControlRequest.SystemQuery()),
                flag.map(ControlRequest.ListDomains::new),
                domain.map(ControlRequest.Info::new),
                domain.map(ControlRequest.Pause::new),
                domain.map(ControlRequest.Unpause::new),
                Combinators.combine(domain, timeout, flag).as(ControlRequest.Shutdown::new),
                Combinators.combine(domain, timeout, flag, flag).as(ControlRequest.Reboot::new),
                domain.map(ControlRequest.Destroy::new),
                domain.map(ControlRequest.Create::new),
                domain.injectNull(0.3).map(ControlRequest.VcpuList::new),
                Combinators.combine(domain, Arbitraries.integers().between(ControlRequest.VcpuPin.ALL, Integer.MAX_VALUE),
                        texts().filter(s -> !s.isBlank())).as(ControlRequest.VcpuPin::new),
                domain.injectNull(0.3).map(ControlRequest.CpupoolList::new),
                Arbitraries.just(new ControlRequest.Dmesg()),
                Arbitraries.just(new ControlRequest.InitDom0less()),
                Combinators.combine(domain, flag).as(ControlRequest.Console::new),
                Combinators.combine(domain, Arbitraries.chars().range('!', '~').map(String::valueOf)).as(ControlRequest.Sysrq::new),
                Combinators.combine(domain, Arbitraries.longs().greaterOrEqual(0)).as(ControlRequest.MemSet::new),
                Combinators.combine(domain, Arbitraries.integers().greaterOrEqual(1)).as(ControlRequest.VcpuSet::new)));
    }

    @Provide
    Arbitrary<Exchange> exchanges() {
        Arbitrary<String> t = texts();
        Arbitrary<DomainInfo> domainInfo = Combinators.combine(List.of(
                Arbitraries.integers().map(Object.class::cast), t.map(Object.class::cast), t.map(Object.class::cast),
                t.map(Object.class::cast), Arbitraries.longs().map(Object.class::cast), Arbitraries.integers().map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast), Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.integers().map(Object.class::cast), t.map(Object.class::cast), t.map(Object.class::cast),
                t.map(Object.class::cast), t.map(Object.class::cast), t.map(Object.class::cast), t.map(Object.class::cast),
                t.list().ofMaxSize(4).map(Object.class::cast))).as(v -> new DomainInfo((Integer) v.get(0), (String) v.get(1),
                (String) v.get(2), (String) v.get(3), (Long) v.get(4), (Integer) v.get(5), (Double) v.get(6), (Double) v.get(7),
                (Integer) v.get(8), (String) v.get(9), (String) v.get(10), (String) v.get(11), (String) v.get(12),
                (String) v.get(13), (String) v.get(14), castList(v.get(15))));
        Arbitrary<VcpuInfo> vcpuInfo = Combinators.combine(t, Arbitraries.integers(), Arbitraries.integers(), Arbitraries.longs(),
                Arbitraries.integers(), t, Arbitraries.doubles(), t).as(VcpuInfo::new);
        Arbitrary<ControlReply.SystemInfo> system = Combinators.combine(t, Arbitraries.longs(), t, t, t, Arbitraries.integers(), t)
                .as(ControlReply.SystemInfo::new);
        Arbitrary<StoreInitReport> report = Combinators.combine(
                Combinators.combine(Arbitraries.integers(), t, t).as(StoreInit::new).list().ofMaxSize(4), t).as(StoreInitReport::new);
        Arbitrary<ControlReply.LogLine> event = Combinators.combine(t, t).as(ControlReply.LogLine::new);
        Arbitrary<CpupoolInfo> pool = Combinators.combine(Arbitraries.integers(), t, t,
                Arbitraries.integers().between(0, CpuAffinity.MAX_CPUS - 1).list().ofMaxSize(6), t, Arbitraries.integers())
                .as(CpupoolInfo::new);
        Arbitrary<ControlRequest<?>> anyRequest = requests();
        return Arbitraries.oneOf(List.of(
                system.map(r -> new Exchange(new ControlRequest.SystemQuery(), r)),
                domainInfo.list().ofMaxSize(5).map(l -> new Exchange(new ControlRequest.ListDomains(true), new ControlReply.Domains(l))),
                Combinators.combine(anyRequest.filter(r -> r.replyType() == ControlReply.OneDomain.class), domainInfo)
                        .as((r, d) -> new Exchange(r, new ControlReply.OneDomain(d))),
                Combinators.combine(anyRequest.filter(r -> r.replyType() == ControlReply.Vcpus.class), vcpuInfo.list().ofMaxSize(5))
                        .as((r, l) -> new Exchange(r, new ControlReply.Vcpus(l))),
                event.list().ofMaxSize(5).map(l -> new Exchange(new ControlRequest.Dmesg(), new ControlReply.Events(l))),
                pool.list().ofMaxSize(4).map(l -> new Exchange(new ControlRequest.CpupoolList(), new ControlReply.Cpupools(l))),
                report.map(r -> new Exchange(new ControlRequest.InitDom0less(), new ControlReply.Dom0lessInit(r))),
                Combinators.combine(t, Arbitraries.of(true, false))
                        .as((d, in) -> new Exchange(new ControlRequest.Console("d1", true), new ControlReply.ConsoleAttached(d, in)))));
    }

    /**
     * Any text a Java string made from UTF-8 can hold: every code point but the surrogates (which UTF-8 cannot carry
     * alone), control characters and quotes included, and some beyond the BMP.
     */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> bmp = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff').ofMaxLength(24);
        Arbitrary<String> astral = Arbitraries.integers().between(0x10000, 0x10ffff).list().ofMaxSize(3)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, bmp), net.jqwik.api.Tuple.of(1, astral),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("", "all", "d1", "\"\\", "a\nb", "\u2028")));
    }

    @Provide
    Arbitrary<byte[]> junk() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64).filter(b -> !contains(b, (byte) '\n'));
        // valid requests with one byte changed find the paths past the JSON parser
        Arbitrary<byte[]> mutated = Combinators.combine(requests(), Arbitraries.integers().greaterOrEqual(0), Arbitraries.bytes())
                .as((r, at, b) -> {
                    byte[] line = withoutNewline(ControlCodec.encode(r));
                    line[at % line.length] = b == '\n' ? (byte) ' ' : b;
                    return line;
                });
        return Arbitraries.oneOf(List.of(random, mutated));
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1);
    }

    // ---- helpers ----

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }

    private static ControlRequest<?> decode(String line) throws ControlCodec.Malformed {
        return ControlCodec.decodeRequest(bytes(line));
    }

    private static void assertMalformed(String line, String message) {
        assertMalformed(bytes(line), message);
    }

    private static void assertMalformed(byte[] line, String message) {
        assertThatThrownBy(() -> ControlCodec.decodeRequest(line)).isInstanceOf(ControlCodec.Malformed.class).hasMessage(message);
    }

    private static void assertOneLine(byte[] line) {
        assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
        assertThat(contains(Arrays.copyOf(line, line.length - 1), (byte) '\n')).isFalse();
    }

    private static byte[] withoutNewline(byte[] line) {
        return Arrays.copyOf(line, line.length - 1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
