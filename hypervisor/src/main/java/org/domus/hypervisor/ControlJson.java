package org.domus.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The control protocol as the running system speaks it: one JSON object per line, UTF-8, read and written with
 * jackson-core's streaming API. A request is {@code {"v":1,"op":"list",…}}; its answer {@code
 * {"v":1,"ok":true,"result":…}} or {@code {"v":1,"ok":false,"error":"one line"}}. Jackson's object mapper (which the
 * short-lived client side uses, see {@link ControlWire}) would add 10 MiB to the resident set of a system at its first
 * request. Lines are read byte by byte: after a {@code console} answer the connection carries raw console bytes.
 */
final class ControlJson {
    /** Bumped when a request or answer changes incompatibly; both sides refuse another version by name. */
    static final int VERSION = 1;
    /** No request or answer is anywhere near this; a longer line is not the protocol. */
    static final int MAX_LINE = 1 << 20;
    private static final JsonFactory JSON = new JsonFactory();

    private ControlJson() {
    }

    /** The next line, without its newline, or null at the end of the stream. */
    static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= MAX_LINE) {
                throw new IOException("a control message longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return b < 0 && line.size() == 0 ? null : line.toByteArray();
    }

    /** The next request, or null at the end of the stream; a line that is not a JSON object is an IOException. */
    static Request readRequest(InputStream in) throws IOException {
        byte[] line = readLine(in);
        if (line == null) {
            return null;
        }
        Map<String, Object> members = new HashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a control request is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (t) {
                    case VALUE_STRING -> members.put(name, p.getText());
                    case VALUE_NUMBER_INT -> members.put(name, p.getLongValue());
                    case VALUE_TRUE, VALUE_FALSE -> members.put(name, t == JsonToken.VALUE_TRUE);
                    case VALUE_NULL -> members.put(name, null);
                    default -> p.skipChildren(); // no request member is an object or array
                }
            }
        }
        return new Request(members);
    }

    static void ok(OutputStream out, Object result) throws IOException {
        answer(out, true, result);
    }

    static void error(OutputStream out, String message) throws IOException {
        answer(out, false, message);
    }

    private static void answer(OutputStream out, boolean ok, Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeBooleanField("ok", ok);
            g.writeFieldName(ok ? "result" : "error");
            write(g, value);
            g.writeEndObject();
        }
        bytes.write('\n');
        out.write(bytes.toByteArray());
        out.flush();
    }

    /** Records as objects of their components, collections as arrays, the rest as JSON's own values. */
    static void write(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Number n -> g.writeNumber(n.doubleValue());
            case Boolean b -> g.writeBoolean(b);
            case Enum<?> e -> g.writeString(e.name());
            case Optional<?> o -> write(g, o.orElse(null));
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object o : c) {
                    write(g, o);
                }
                g.writeEndArray();
            }
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (var e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Record r -> {
                g.writeStartObject();
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    g.writeFieldName(c.getName());
                    try {
                        write(g, c.getAccessor().invoke(r));
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new IOException("cannot read %s.%s: %s".formatted(r.getClass().getSimpleName(), c.getName(), e), e);
                    }
                }
                g.writeEndObject();
            }
            default -> g.writeString(v.toString());
        }
    }

    /** A request's members: text, whole numbers and booleans, read with a default when absent or null. */
    record Request(Map<String, Object> members) {
        boolean has(String name) {
            return members.get(name) != null;
        }

        String text(String name) {
            return text(name, "");
        }

        String text(String name, String absent) {
            Object v = members.get(name);
            return v == null ? absent : String.valueOf(v);
        }

        long number(String name, long absent) {
            return members.get(name) instanceof Long l ? l : absent;
        }

        boolean flag(String name, boolean absent) {
            return members.get(name) instanceof Boolean b ? b : absent;
        }
    }
}
