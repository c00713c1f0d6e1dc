package org.domus.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The control protocol on the wire, for both ends: one JSON object per line, UTF-8, read and written with
 * jackson-core's streaming API (Jackson's object mapper would cost a short-lived {@code domus list} tens of ms to load
 * and a running system 10 MiB at its first request).
 * <pre>
 * request  {"v":1,"op":"shutdown","domain":"web","timeout":10,"wait":false}
 * answer   {"v":1,"ok":true,"result":{…}}      or      {"v":1,"ok":false,"error":"one line"}
 * </pre>
 * A request must carry this version and only the members of its operation, each of its type; an absent optional
 * member takes the default its {@link ControlRequest} record names. Answers are read leniently (a member the reader
 * does not know is skipped) so that a system can say more without a new version. Lines are read byte by byte: after a
 * {@code console} answer the same stream carries raw console bytes, which must not be read ahead into a line.
 */
public final class ControlCodec {
    /** Bumped when a request or answer changes incompatibly; each side refuses another version by name. */
    public static final int VERSION = 1;
    /** No request or answer is anywhere near this; a longer line is not the protocol. */
    static final int MAX_LINE = 1 << 20;
    /** Longest text of the peer's quoted back in an error. */
    private static final int SHOWN = 64;
    private static final JsonFactory JSON = new JsonFactory();

    private ControlCodec() {
    }

    /** A message that is not the protocol; the text is one line, for the user as it is. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** A line longer than {@link #MAX_LINE}: answered, then the connection is closed (its rest cannot be framed). */
    static final class LineTooLong extends IOException {
        LineTooLong() {
            super("a control message longer than %d bytes".formatted(MAX_LINE));
        }
    }

    // ---- framing ----

    /** The next line, without its newline, or null at the end of the stream; not a byte past the newline is read. */
    static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= MAX_LINE) {
                throw new LineTooLong();
            }
            line.write(b);
        }
        return b < 0 && line.size() == 0 ? null : line.toByteArray();
    }

    // ---- requests ----

    /**
     * {@code request} as its line, newline included. (Here and wherever the short-lived client passes, tests of
     * type rather than a pattern switch: each pattern switch bootstraps a class at its first run, which no AOT cache
     * holds; the round-trip tests stand in for the compiler's exhaustiveness check.)
     */
    static byte[] encode(ControlRequest<?> request) {
        return line(g -> {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("op", request.op());
            if (request instanceof ControlRequest.OnDomain d) {
                g.writeStringField("domain", d.domain());
            }
            if (request instanceof ControlRequest.ListDomains l) {
                g.writeBooleanField("all", l.all());
            } else if (request instanceof ControlRequest.Shutdown r) {
                g.writeNumberField("timeout", r.timeout().toSeconds());
                g.writeBooleanField("wait", r.await());
            } else if (request instanceof ControlRequest.Reboot r) {
                g.writeNumberField("timeout", r.timeout().toSeconds());
                g.writeBooleanField("force", r.force());
                g.writeBooleanField("wait", r.await());
            } else if (request instanceof ControlRequest.VcpuList r && r.domain() != null) {
                g.writeStringField("domain", r.domain());
            } else if (request instanceof ControlRequest.VcpuPin r) {
                if (r.vcpu() == ControlRequest.VcpuPin.ALL) {
                    g.writeStringField("vcpu", "all");
                } else {
                    g.writeNumberField("vcpu", r.vcpu());
                }
                g.writeStringField("cpus", r.cpus());
            } else if (request instanceof ControlRequest.Console r) {
                g.writeBooleanField("input", r.input());
            } else if (request instanceof ControlRequest.Sysrq r) {
                g.writeStringField("key", r.key());
            } else if (request instanceof ControlRequest.MemSet r) {
                g.writeNumberField("targetKib", r.targetKib());
            } else if (request instanceof ControlRequest.VcpuSet r) {
                g.writeNumberField("vcpus", r.vcpus());
            } else if (request instanceof ControlRequest.CpupoolList r && r.pool() != null) {
                g.writeStringField("pool", r.pool());
            }
            g.writeEndObject();
        });
    }

    /** The request {@code line} holds; anything else is {@link Malformed}, with a message naming what is wrong. */
    static ControlRequest<?> decodeRequest(byte[] line) throws Malformed {
        if (line.length == 0) {
            throw new Malformed("an empty line is no request: send one JSON object per line");
        }
        checkUtf8(line, "the request");
        JsonMembers m = JsonMembers.parse(line, "the request");
        if (!m.has("v")) {
            throw new Malformed("the request has no protocol version 'v' (this Domus speaks %d)".formatted(VERSION));
        }
        long v = m.whole("v");
        if (v != VERSION) {
            throw new Malformed("control protocol version %d is not spoken here (this Domus speaks %d): use the same domus for both"
                    .formatted(v, VERSION));
        }
        String op = m.text("op");
        JsonMembers r = m.named("request '" + shown(op) + "'");
        ControlRequest.Op known = ControlRequest.Op.named(op);
        if (known == null) {
            throw new Malformed("unknown request '%s'".formatted(shown(op)));
        }
        ControlRequest<?> request;
        try {
            request = switch (known) {
                case SYSTEM -> new ControlRequest.SystemQuery();
                case LIST -> new ControlRequest.ListDomains(r.flag("all", false));
                case INFO -> new ControlRequest.Info(r.text("domain"));
                case PAUSE -> new ControlRequest.Pause(r.text("domain"));
                case UNPAUSE -> new ControlRequest.Unpause(r.text("domain"));
                case SHUTDOWN -> new ControlRequest.Shutdown(r.text("domain"), timeout(r), r.flag("wait", false));
                case REBOOT -> new ControlRequest.Reboot(r.text("domain"), timeout(r), r.flag("force", false),
                        r.flag("wait", false));
                case DESTROY -> new ControlRequest.Destroy(r.text("domain"));
                case CREATE -> new ControlRequest.Create(r.text("domain"));
                case VCPU_LIST -> new ControlRequest.VcpuList(r.optionalText("domain"));
                case VCPU_PIN -> new ControlRequest.VcpuPin(r.text("domain"), vcpu(r), r.text("cpus"));
                case CPUPOOL_LIST -> new ControlRequest.CpupoolList(r.optionalText("pool"));
                case DMESG -> new ControlRequest.Dmesg();
                case INIT_DOM0LESS -> new ControlRequest.InitDom0less();
                case CONSOLE -> new ControlRequest.Console(r.text("domain"), r.flag("input", true));
                case SYSRQ -> new ControlRequest.Sysrq(r.text("domain"), r.text("key"));
                case MEM_SET -> new ControlRequest.MemSet(r.text("domain"), r.whole("targetKib"));
                case VCPU_SET -> new ControlRequest.VcpuSet(r.text("domain"), r.integer("vcpus"));
            };
        } catch (IllegalArgumentException e) {
            throw new Malformed("request '%s': %s".formatted(op, e.getMessage()));
        }
        r.noOthers();
        return request;
    }

    private static Duration timeout(JsonMembers r) throws Malformed {
        Long seconds = r.optionalWhole("timeout");
        return seconds == null ? ControlRequest.DEFAULT_TIMEOUT : Duration.ofSeconds(seconds); // the record checks the range
    }

    /** A vCPU number from 0, or "all". */
    private static int vcpu(JsonMembers r) throws Malformed {
        Object v = r.value("vcpu");
        if (v == null) {
            throw new Malformed("%s has no 'vcpu' (a vCPU number from 0, or \"all\")".formatted(r.where()));
        }
        if (v.equals("all")) {
            return ControlRequest.VcpuPin.ALL;
        }
        if (v instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) {
            return (int) (long) l;
        }
        throw new Malformed("%s: 'vcpu' is %s, not a vCPU number from 0 or \"all\"".formatted(r.where(),
                v instanceof Long l ? l.toString() : v instanceof String t ? "\"" + shown(t) + "\"" : JsonMembers.kind(v)));
    }

    // ---- answers ----

    /** The answer to a request that succeeded, newline included. */
    static byte[] encodeReply(ControlReply reply) {
        return line(g -> {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeBooleanField("ok", true);
            g.writeFieldName("result");
            writeResult(g, reply);
            g.writeEndObject();
        });
    }

    /** The answer to a request refused or malformed: {@code message} is its one line. */
    static byte[] encodeError(String message) {
        return line(g -> {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeBooleanField("ok", false);
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    /**
     * The reply to {@code request} that {@code line} holds. A refusal is thrown as a {@link ControlException} with the
     * system's line (whatever the version: a system of another version says so in its error); an answer that is not
     * the protocol is {@link Malformed}.
     */
    static <R extends ControlReply> R decodeReply(byte[] line, ControlRequest<R> request) throws Malformed, ControlException {
        checkUtf8(line, "the answer");
        JsonMembers m = JsonMembers.parse(line, "the answer");
        if (!m.flag("ok")) {
            throw new ControlException(m.text("error"));
        }
        long v = m.whole("v");
        if (v != VERSION) {
            throw new Malformed("the answer is of control protocol version %d, this domus speaks %d: use the same domus for both"
                    .formatted(v, VERSION));
        }
        return request.replyType().cast(readResult(m, request.replyType()));
    }

    /** The result of an answer, as the reply type its request names. */
    private static ControlReply readResult(JsonMembers answer, Class<? extends ControlReply> type) throws Malformed {
        JsonMembers a = answer.named("the answer's result");
        if (type == ControlReply.OneDomain.class) {
            return new ControlReply.OneDomain(domainInfo(answer.object("result").named(a.where())));
        } else if (type == ControlReply.Domains.class) {
            return new ControlReply.Domains(a.list("result", ControlCodec::domainInfo));
        } else if (type == ControlReply.Vcpus.class) {
            return new ControlReply.Vcpus(a.list("result", ControlCodec::vcpuInfo));
        } else if (type == ControlReply.Events.class) {
            return new ControlReply.Events(a.list("result", ControlCodec::logLine));
        } else if (type == ControlReply.Cpupools.class) {
            return new ControlReply.Cpupools(a.list("result", ControlCodec::cpupoolInfo));
        } else if (type == ControlReply.SystemInfo.class) {
            return systemInfo(answer.object("result").named(a.where()));
        } else if (type == ControlReply.Dom0lessInit.class) {
            return new ControlReply.Dom0lessInit(storeInitReport(answer.object("result").named(a.where())));
        } else if (type == ControlReply.ConsoleAttached.class) {
            JsonMembers r = answer.object("result").named(a.where());
            return new ControlReply.ConsoleAttached(r.text("domain"), r.flag("input"));
        }
        throw new IllegalArgumentException("no reader for " + type.getSimpleName());
    }

    /**
     * {@code reply}'s result as an indented JSON document, as {@code --json} prints it: the same members as on the
     * wire.
     */
    public static String toJson(ControlReply reply) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            writeResult(g, reply);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    // ---- the replies' members ----

    private static void writeResult(JsonGenerator g, ControlReply reply) throws IOException {
        if (reply instanceof ControlReply.OneDomain d) {
            write(g, d.domain());
        } else if (reply instanceof ControlReply.Domains l) {
            array(g, l.domains(), ControlCodec::write);
        } else if (reply instanceof ControlReply.Vcpus l) {
            array(g, l.vcpus(), ControlCodec::write);
        } else if (reply instanceof ControlReply.Cpupools l) {
            array(g, l.pools(), ControlCodec::write);
        } else if (reply instanceof ControlReply.Events l) {
            array(g, l.events(), (o, e) -> {
                o.writeStartObject();
                o.writeStringField("time", e.time());
                o.writeStringField("text", e.text());
                o.writeEndObject();
            });
        } else if (reply instanceof ControlReply.SystemInfo s) {
            g.writeStartObject();
            g.writeStringField("name", s.name());
            g.writeNumberField("pid", s.pid());
            g.writeStringField("runDir", s.runDir());
            g.writeStringField("socket", s.socket());
            g.writeStringField("started", s.started());
            g.writeNumberField("domains", s.domains());
            g.writeStringField("xenstore", s.xenstore());
            g.writeEndObject();
        } else if (reply instanceof ControlReply.Dom0lessInit i) {
            g.writeStartObject();
            g.writeFieldName("domains");
            array(g, i.report().domains(), (o, d) -> {
                o.writeStartObject();
                o.writeNumberField("id", d.id());
                o.writeStringField("name", d.name());
                o.writeStringField("outcome", d.outcome());
                o.writeEndObject();
            });
            g.writeStringField("guestView", i.report().guestView());
            g.writeEndObject();
        } else if (reply instanceof ControlReply.ConsoleAttached c) {
            g.writeStartObject();
            g.writeStringField("domain", c.domain());
            g.writeBooleanField("input", c.input());
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("no writer for " + reply.getClass().getSimpleName());
        }
    }

    /** How one item of an array is written. */
    private interface Item<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    /** {@code items} as a JSON array, each as {@code item} writes it (a field's name, if any, written before). */
    private static <T> void array(JsonGenerator g, List<T> items, Item<? super T> item) throws IOException {
        g.writeStartArray();
        for (T t : items) {
            item.write(g, t);
        }
        g.writeEndArray();
    }

    private static void write(JsonGenerator g, DomainInfo d) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", d.id());
        g.writeStringField("name", d.name());
        g.writeStringField("state", d.state());
        g.writeStringField("flags", d.flags());
        g.writeNumberField("memoryKib", d.memoryKib());
        g.writeNumberField("vcpus", d.vcpus());
        g.writeNumberField("cpuSeconds", d.cpuSeconds());
        g.writeNumberField("uptimeSeconds", d.uptimeSeconds());
        g.writeNumberField("restarts", d.restarts());
        g.writeStringField("lastExit", d.lastExit());
        g.writeStringField("engine", d.engine());
        g.writeStringField("kernel", d.kernel());
        g.writeStringField("ramdisk", d.ramdisk());
        g.writeStringField("cmdline", d.cmdline());
        g.writeStringField("runDir", d.runDir());
        g.writeFieldName("affinity");
        array(g, d.affinity(), (o, a) -> o.writeString(a));
        g.writeEndObject();
    }

    private static void write(JsonGenerator g, VcpuInfo v) throws IOException {
        g.writeStartObject();
        g.writeStringField("domain", v.domain());
        g.writeNumberField("id", v.id());
        g.writeNumberField("vcpu", v.vcpu());
        g.writeNumberField("thread", v.thread());
        g.writeNumberField("cpu", v.cpu());
        g.writeStringField("state", v.state());
        g.writeNumberField("seconds", v.seconds());
        g.writeStringField("affinity", v.affinity());
        g.writeEndObject();
    }

    private static void write(JsonGenerator g, CpupoolInfo p) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", p.id());
        g.writeStringField("name", p.name());
        g.writeStringField("node", p.node());
        g.writeFieldName("cpus");
        array(g, p.cpus(), (o, cpu) -> o.writeNumber(cpu));
        g.writeStringField("sched", p.scheduler());
        g.writeNumberField("domains", p.domains());
        g.writeEndObject();
    }

    private static DomainInfo domainInfo(Object item, String where) throws Malformed {
        return domainInfo(JsonMembers.asObject(item, where).named(where));
    }

    private static DomainInfo domainInfo(JsonMembers m) throws Malformed {
        return new DomainInfo(m.integer("id"), m.text("name"), m.text("state"), m.text("flags"), m.whole("memoryKib"),
                m.integer("vcpus"), m.number("cpuSeconds"), m.number("uptimeSeconds"), m.integer("restarts"),
                m.text("lastExit"), m.text("engine"), m.text("kernel"), m.text("ramdisk"), m.text("cmdline"),
                m.text("runDir"), m.list("affinity", JsonMembers::asText));
    }

    private static VcpuInfo vcpuInfo(Object item, String where) throws Malformed {
        JsonMembers m = JsonMembers.asObject(item, where).named(where);
        return new VcpuInfo(m.text("domain"), m.integer("id"), m.integer("vcpu"), m.whole("thread"), m.integer("cpu"),
                m.text("state"), m.number("seconds"), m.text("affinity"));
    }

    private static CpupoolInfo cpupoolInfo(Object item, String where) throws Malformed {
        JsonMembers m = JsonMembers.asObject(item, where).named(where);
        return new CpupoolInfo(m.integer("id"), m.text("name"), m.text("node"), m.list("cpus", (cpu, at) -> {
            if (cpu instanceof Long l && l >= 0 && l < CpuAffinity.MAX_CPUS) {
                return (int) (long) l;
            }
            throw new Malformed("%s is %s, not a CPU number".formatted(at, JsonMembers.kind(cpu)));
        }), m.text("sched"), m.integer("domains"));
    }

    private static ControlReply.LogLine logLine(Object item, String where) throws Malformed {
        JsonMembers m = JsonMembers.asObject(item, where).named(where);
        return new ControlReply.LogLine(m.text("time"), m.text("text"));
    }

    private static ControlReply.SystemInfo systemInfo(JsonMembers m) throws Malformed {
        return new ControlReply.SystemInfo(m.text("name"), m.whole("pid"), m.text("runDir"), m.text("socket"),
                m.text("started"), m.integer("domains"), m.text("xenstore"));
    }

    private static StoreInitReport storeInitReport(JsonMembers m) throws Malformed {
        return new StoreInitReport(m.list("domains", (item, where) -> {
            JsonMembers d = JsonMembers.asObject(item, where).named(where);
            return new StoreInit(d.integer("id"), d.text("name"), d.text("outcome"));
        }), m.text("guestView"));
    }

    // ---- helpers ----

    /** Writes one message with {@code body} and ends it with the newline that frames it. */
    private static byte[] line(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * Refuses bytes that are not UTF-8 (overlong forms and encoded surrogates included), naming the first bad byte's
     * offset; JSON's parser would take some of them.
     */
    private static void checkUtf8(byte[] line, String where) throws Malformed {
        boolean ascii = true;
        for (byte b : line) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(line);
        CoderResult r = decoder.decode(in, CharBuffer.allocate(line.length), true);
        if (r.isError()) {
            throw new Malformed("%s is not UTF-8 (byte %d is 0x%02x)".formatted(where, in.position(), line[in.position()] & 0xff));
        }
    }

    /** Text of the peer's to quote in an error: control characters escaped, at most {@link #SHOWN} characters. */
    static String shown(String text) {
        String s = printable(text.length() > SHOWN ? text.substring(0, SHOWN) : text);
        return text.length() > SHOWN ? s + "…" : s;
    }

    /** {@code text} with control characters (and lone surrogates) escaped as {@code \\uXXXX}: safe on a terminal. */
    static String printable(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                s.append(c).append(text.charAt(++i));
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c)) {
                s.append("\\u%04x".formatted((int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
