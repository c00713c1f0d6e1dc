package org.domus.cli;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Which running system a toolstack command talks to. */
final class ControlOptions {
    private final OptionSpec name;

    /** Adds --name to {@code spec}. */
    ControlOptions(CommandSpec spec) {
        name = Cli.option(spec, "--name", "NAME", String.class,
                "The system to manage (as `domus boot --name` named it); default: the only one running.");
    }

    ControlClient connect() throws ControlException {
        return ControlClient.connect(name.getValue());
    }
}
