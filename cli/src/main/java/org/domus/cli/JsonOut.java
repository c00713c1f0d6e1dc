package org.domus.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What --json prints: one indented JSON document. */
final class JsonOut {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonOut() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("records of the control protocol always serialize", e);
        }
    }
}
