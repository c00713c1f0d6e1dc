package org.domus.hypervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The control protocol on the client's side ({@code domus list} and the other commands, short-lived processes):
 * requests built and answers read as Jackson trees, answers' results turned into records by the object mapper. The
 * framing and the running system's side are {@link ControlJson}.
 */
final class ControlWire {
    static final int VERSION = ControlJson.VERSION;
    static final ObjectMapper JSON = new ObjectMapper();

    private ControlWire() {
    }

    static ObjectNode request(String op) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("op", op);
        return n;
    }

    static void write(OutputStream out, JsonNode message) throws IOException {
        out.write(JSON.writeValueAsBytes(message));
        out.write('\n');
        out.flush();
    }

    /** The next line as JSON, or null at the end of the stream. */
    static JsonNode read(InputStream in) throws IOException {
        byte[] line = ControlJson.readLine(in);
        return line == null ? null : JSON.readTree(line);
    }
}
