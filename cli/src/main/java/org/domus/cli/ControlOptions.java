package org.domus.cli;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;

import picocli.CommandLine.Option;

/** Which running system a toolstack command talks to. */
final class ControlOptions {
    @Option(names = "--name", paramLabel = "NAME",
            description = "The system to manage (as `domus boot --name` named it); default: the only one running.")
    String name;

    ControlClient connect() throws ControlException {
        return ControlClient.connect(name);
    }
}
