package org.domus.cli;

import org.domus.hypervisor.ControlCodec;
import org.domus.hypervisor.ControlReply;

/**
 * What the toolstack commands' --json prints: the reply's result as one indented JSON document, written by the
 * control protocol's own codec (so the members are the wire's, and no object mapper is loaded).
 */
final class JsonOut {
    private JsonOut() {
    }

    static String write(ControlReply reply) {
        return ControlCodec.toJson(reply);
    }
}
