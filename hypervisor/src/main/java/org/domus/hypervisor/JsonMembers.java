package org.domus.hypervisor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * One JSON object of the control protocol read whole, with typed getters whose errors name the member and say what
 * it should have been: the protocol's messages are a line each and small, so reading them into plain values first
 * keeps every check in one place. Values are {@code String}, {@code Long}, {@code Double} (a fraction, or a whole
 * number too large for a long), {@code Boolean}, a nested {@link JsonMembers} or a {@code List} of these; JSON's
 * {@code null} counts as absent. Each getter marks its member read, so {@link #noOthers} finds the unexpected ones.
 */
final class JsonMembers {
    /** No message of the protocol nests deeper than three levels. */
    private static final int MAX_DEPTH = 16;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();

    private final String where;
    private final Map<String, Object> members;
    private final Set<String> read;

    private JsonMembers(String where, Map<String, Object> members, Set<String> read) {
        this.where = where;
        this.members = members;
        this.read = read;
    }

    /** {@code line} (UTF-8) as one JSON object and nothing after it; {@code where} starts every error message. */
    static JsonMembers parse(byte[] line, String where) throws ControlCodec.Malformed {
        try (JsonParser p = JSON.createParser(line)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new ControlCodec.Malformed("%s is not a JSON object (it starts with %s)".formatted(where,
                        first == null ? "nothing" : describe(first)));
            }
            JsonMembers object = object(p, where);
            if (p.nextToken() != null) {
                throw new ControlCodec.Malformed("%s has more after its JSON object (column %d)".formatted(where,
                        p.currentLocation().getColumnNr()));
            }
            return object;
        } catch (StreamConstraintsException e) {
            throw new ControlCodec.Malformed("%s nests deeper than %d levels".formatted(where, MAX_DEPTH));
        } catch (JsonProcessingException e) {
            throw new ControlCodec.Malformed("%s is not valid JSON: %s (column %d)".formatted(where,
                    plain(e.getOriginalMessage()), e.getLocation() == null ? 0 : e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new ControlCodec.Malformed("%s cannot be read: %s".formatted(where, oneLine(e.getMessage())));
        }
    }

    /** The members of the object whose START_OBJECT {@code p} is at. */
    private static JsonMembers object(JsonParser p, String where) throws IOException, ControlCodec.Malformed {
        Map<String, Object> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            Object value = value(p, where + " member '" + name + "'");
            if (members.containsKey(name)) {
                throw new ControlCodec.Malformed("%s has member '%s' twice".formatted(where, ControlCodec.shown(name)));
            }
            members.put(name, value);
        }
        return new JsonMembers(where, members, new HashSet<>());
    }

    private static Object value(JsonParser p, String where) throws IOException, ControlCodec.Malformed {
        return switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            // boxed apart: a conditional of double and long would make every number a Double
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (Object) Double.valueOf(p.getDoubleValue()) : (Object) Long.valueOf(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_OBJECT -> object(p, where);
            case START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(p, where));
                }
                yield items;
            }
            default -> throw new ControlCodec.Malformed("%s: unexpected %s".formatted(where, describe(p.currentToken())));
        };
    }

    /** The same members, named {@code where} in errors from here on. */
    JsonMembers named(String where) {
        return new JsonMembers(where, members, read);
    }

    /** How errors name this object: "request 'list'", "the answer's result"… */
    String where() {
        return where;
    }

    /** Member {@code name} as it was read (see the class comment), null when absent. */
    Object value(String name) {
        read.add(name);
        return members.get(name);
    }

    /** Whether {@code name} is there (and not null). */
    boolean has(String name) {
        return members.get(name) != null;
    }

    /** A string member that must be there. */
    String text(String name) throws ControlCodec.Malformed {
        return required(name, String.class, "a string");
    }

    /** A string member, null when absent. */
    String optionalText(String name) throws ControlCodec.Malformed {
        return optional(name, String.class, "a string");
    }

    /** A boolean member, {@code absent} when absent. */
    boolean flag(String name, boolean absent) throws ControlCodec.Malformed {
        Boolean b = optional(name, Boolean.class, "true or false");
        return b == null ? absent : b;
    }

    boolean flag(String name) throws ControlCodec.Malformed {
        return required(name, Boolean.class, "true or false");
    }

    /** A whole-number member that must be there. */
    long whole(String name) throws ControlCodec.Malformed {
        return required(name, Long.class, "a whole number");
    }

    /** A whole-number member, null when absent. */
    Long optionalWhole(String name) throws ControlCodec.Malformed {
        return optional(name, Long.class, "a whole number");
    }

    /** A whole-number member that fits an int. */
    int integer(String name) throws ControlCodec.Malformed {
        long v = whole(name);
        if (v != (int) v) {
            throw new ControlCodec.Malformed("%s: '%s' is %d, out of range".formatted(where, name, v));
        }
        return (int) v;
    }

    /** A number member (whole or not) that must be there. */
    double number(String name) throws ControlCodec.Malformed {
        if (members.get(name) instanceof Long l) {
            read.add(name);
            return l;
        }
        return required(name, Double.class, "a number");
    }

    /** An object member that must be there. */
    JsonMembers object(String name) throws ControlCodec.Malformed {
        return required(name, JsonMembers.class, "an object");
    }

    /** An array member that must be there, each item read by {@code item}. */
    <T> List<T> list(String name, Item<T> item) throws ControlCodec.Malformed {
        List<?> values = required(name, List.class, "an array");
        List<T> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(item.read(v, "%s: an item of '%s'".formatted(where, name)));
        }
        return out;
    }

    /** Reads one array item; {@code where} names it for errors. */
    interface Item<T> {
        T read(Object value, String where) throws ControlCodec.Malformed;
    }

    /** An array item that must be an object. */
    static JsonMembers asObject(Object value, String where) throws ControlCodec.Malformed {
        if (value instanceof JsonMembers m) {
            return m;
        }
        throw new ControlCodec.Malformed("%s is %s, not an object".formatted(where, kind(value)));
    }

    /** An array item that must be a string. */
    static String asText(Object value, String where) throws ControlCodec.Malformed {
        if (value instanceof String s) {
            return s;
        }
        throw new ControlCodec.Malformed("%s is %s, not a string".formatted(where, kind(value)));
    }

    /** Fails on a member no getter read: a misspelt or unknown option is an error, not silently a default. */
    void noOthers() throws ControlCodec.Malformed {
        for (String name : members.keySet()) {
            if (!read.contains(name)) {
                throw new ControlCodec.Malformed("%s has no member '%s'".formatted(where, ControlCodec.shown(name)));
            }
        }
    }

    private <T> T required(String name, Class<T> type, String expected) throws ControlCodec.Malformed {
        T v = optional(name, type, expected);
        if (v == null) {
            throw new ControlCodec.Malformed("%s has no '%s' (%s)".formatted(where, name, expected));
        }
        return v;
    }

    private <T> T optional(String name, Class<T> type, String expected) throws ControlCodec.Malformed {
        Object v = members.get(name);
        read.add(name);
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw new ControlCodec.Malformed("%s: '%s' is %s, not %s".formatted(where, name, kind(v), expected));
    }

    /** What a value is, for errors: "a string", "a fraction"… */
    static String kind(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "a string";
            case Long l -> "a whole number";
            case Double d -> "a fraction or an out-of-range number";
            case Boolean b -> b ? "true" : "false";
            case JsonMembers m -> "an object";
            case List<?> l -> "an array";
            default -> v.getClass().getSimpleName();
        };
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    /**
     * Jackson's message without what speaks to a programmer (its settings, the source it redacts), control
     * characters escaped: it is shown to the user as it is.
     */
    private static String plain(String message) {
        String s = oneLine(message);
        for (String aside : List.of(" (start marker at", ": enable `", ": was expecting (")) {
            int at = s.indexOf(aside);
            if (at > 0) {
                s = s.substring(0, at);
            }
        }
        return ControlCodec.printable(s);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
