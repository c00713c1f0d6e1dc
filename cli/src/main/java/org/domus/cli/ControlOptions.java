package org.domus.cli;

import java.util.function.Supplier;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Which running system a toolstack command talks to, and how it asks: a request built from the command's arguments
 * (what its record refuses is a usage error of the command), sent over one connection. A refusal of the system's is a
 * {@link ControlException}, which {@code Main} prints as one line with the exit code of bad input.
 */
final class ControlOptions {
    private final CommandSpec spec;
    private final OptionSpec name;

    /** Adds --name to {@code spec}. */
    ControlOptions(CommandSpec spec) {
        this.spec = spec;
        name = Cli.option(spec, "--name", "NAME", String.class,
                "The system to manage (as `domus boot --name` named it); default: the only one running.");
    }

    ControlClient connect() throws ControlException {
        return ControlClient.connect(name.getValue());
    }

    /** The request (or requests) {@code fromArguments} builds; one its record refuses is a usage error naming why. */
    <Q> Q request(Supplier<Q> fromArguments) {
        try {
            return fromArguments.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code request}'s reply from the system, over a connection of its own. */
    <R extends ControlReply> R call(ControlRequest<R> request) throws ControlException {
        try (ControlClient client = connect()) {
            return client.call(request);
        }
    }
}
