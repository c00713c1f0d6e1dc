package org.domus.cli;

import java.io.PrintWriter;

import org.domus.hypervisor.ControlCodec;
import org.domus.hypervisor.ControlReply;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A toolstack command's --json, and how its reply is printed: as text, or with --json its result as one indented
 * JSON document, written by the control protocol's own codec (so the members are the wire's, and no object mapper
 * is loaded).
 */
final class JsonOut {
    private final CommandSpec spec;
    private final OptionSpec json;

    /** Adds --json to {@code spec}, {@code description} saying what it prints. */
    JsonOut(CommandSpec spec, String description) {
        this.spec = spec;
        json = Cli.flag(spec, "--json", description);
    }

    /** How a reply reads as text. */
    interface Text<R> {
        void print(PrintWriter out, R reply);
    }

    /** Prints {@code reply} on the command's output, as JSON with --json, else as {@code text} has it; 0 to exit with. */
    <R extends ControlReply> int print(R reply, Text<? super R> text) {
        PrintWriter out = spec.commandLine().getOut();
        if (json.<Boolean>getValue()) {
            out.println(ControlCodec.toJson(reply));
        } else {
            text.print(out, reply);
        }
        out.flush();
        return 0;
    }
}
