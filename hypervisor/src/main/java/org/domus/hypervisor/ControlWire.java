package org.domus.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The control protocol's framing, shared by server and client: one JSON object per line, UTF-8. A request is
 * {@code {"v":1,"op":"list",…}}; its answer {@code {"v":1,"ok":true,"result":…}} or
 * {@code {"v":1,"ok":false,"error":"one line"}}. After a {@code console} answer the connection carries raw console
 * bytes both ways, so lines are read byte by byte and nothing past the line is taken from the stream.
 */
final class ControlWire {
    /** Bumped when a request or answer changes incompatibly; both sides refuse another version by name. */
    static final int VERSION = 1;
    /** No request or answer is anywhere near this; a longer line is not the protocol. */
    static final int MAX_LINE = 1 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private ControlWire() {
    }

    static ObjectNode request(String op) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("op", op);
        return n;
    }

    static ObjectNode ok(Object result) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("ok", true);
        n.set("result", JSON.valueToTree(result));
        return n;
    }

    static ObjectNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("ok", false);
        n.put("error", message);
        return n;
    }

    static void write(OutputStream out, JsonNode message) throws IOException {
        out.write(JSON.writeValueAsBytes(message));
        out.write('\n');
        out.flush();
    }

    /** The next line as JSON, or null at the end of the stream. */
    static JsonNode read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= MAX_LINE) {
                throw new IOException("a control message longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return JSON.readTree(line.toString(StandardCharsets.UTF_8));
    }
}
