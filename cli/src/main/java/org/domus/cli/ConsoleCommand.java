package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ConsoleAttach;
import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlServer.ConsoleAttached;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code domus console DOMAIN}: attach this terminal to one domain's console. */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Attach to a domain's console: its last lines, then what it prints; what you type goes to it.",
                "Ctrl-] detaches (the domain keeps running). Several consoles may watch one domain; the first one",
                "attached holds its input, the others are read-only until it detaches."})
final class ConsoleCommand implements Callable<Integer> {
    @Mixin
    ControlOptions control;

    @Option(names = {"-r", "--read-only"}, description = "Only watch: never take the domain's input.")
    boolean readOnly;

    @Parameters(paramLabel = "DOMAIN", description = "Its name, id or dN.")
    String domain;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws ControlException, IOException {
        ControlClient client = control.connect();
        ConsoleAttached attached;
        try {
            attached = client.attach(domain, !readOnly);
        } catch (ControlException e) {
            client.close();
            throw e;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("(domus) attached to %s%s (Ctrl-] detaches)".formatted(attached.domain(),
                attached.input() ? "" : readOnly ? ", read-only" : ", read-only: another console holds its input"));
        err.flush();
        ConsoleAttach.End end = ConsoleAttach.run(client, readOnly || !attached.input(), System.in, System.out);
        err.println();
        err.println(end == ConsoleAttach.End.DETACHED ? "(domus) detached from " + attached.domain()
                : "(domus) " + attached.domain() + " has ended");
        err.flush();
        return 0;
    }
}
