package org.domus.engine.qemu;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A JSON value from QMP, navigated like Jackson's tree: a member that is not there reads as a missing value,
 * whose text is "" and whose number is 0, so {@code reply.path("status").asText()} never throws.
 *
 * <p>QMP needs only objects, arrays, strings, numbers, booleans and null, so the value is plain Java
 * ({@code Map}, {@code List}, {@code String}, {@code Long}/{@code Double}, {@code Boolean}) read with
 * jackson-core's streaming parser: Jackson's object mapper would cost Domus a third of its resident memory
 * (measured: 10 MiB) for these few lines a second.
 */
public record QmpValue(Object value, boolean missing) {
    static final JsonFactory JSON = new JsonFactory();
    private static final QmpValue MISSING = new QmpValue(null, true);

    static QmpValue of(Object value) {
        return new QmpValue(value, false);
    }

    /** The member {@code name} of an object; missing for anything else. */
    public QmpValue path(String name) {
        return value instanceof Map<?, ?> m && m.containsKey(name) ? of(m.get(name)) : MISSING;
    }

    public boolean has(String name) {
        return value instanceof Map<?, ?> m && m.containsKey(name);
    }

    public boolean isMissing() {
        return missing;
    }

    /** A string as is, a number or boolean as JSON writes it, "" for null, missing, objects and arrays. */
    public String asText() {
        return asText("");
    }

    /** As {@link #asText()}, with {@code absent} for a missing value or null. */
    public String asText(String absent) {
        // instanceof, not a pattern switch: see write
        if (value == null) {
            return absent;
        }
        return value instanceof String || value instanceof Number || value instanceof Boolean ? value.toString() : "";
    }

    /** True only for JSON {@code true}. */
    public boolean asBoolean() {
        return Boolean.TRUE.equals(value);
    }

    public long asLong() {
        return value instanceof Number n ? n.longValue() : 0;
    }

    public int asInt() {
        return (int) asLong();
    }

    /** An array's elements; empty for anything else. */
    public List<QmpValue> elements() {
        if (!(value instanceof List<?> l)) {
            return List.of();
        }
        List<QmpValue> out = new ArrayList<>(l.size());
        l.forEach(v -> out.add(of(v)));
        return out;
    }

    /** The value as compact JSON ("" when missing), for messages and logs. */
    @Override
    public String toString() {
        if (missing) {
            return "";
        }
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /** Reads one whole value, the parser being on its first token. */
    static QmpValue read(JsonParser p) throws IOException {
        return of(readValue(p));
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("no JSON value");
        }
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, readValue(p));
                }
                yield Collections.unmodifiableMap(m);
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(readValue(p));
                }
                yield Collections.unmodifiableList(l);
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected JSON token " + t);
        };
    }

    /**
     * Writes the plain Java values QMP arguments are made of. A chain of instanceof, not a pattern switch: each
     * pattern switch bootstraps a class at its first run, which a JDK 25 AOT cache does not keep, and the first
     * QMP command of a boot waited ~8 ms for this one.
     */
    static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (var e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }
}
