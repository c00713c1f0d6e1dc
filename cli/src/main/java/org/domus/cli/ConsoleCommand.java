package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ConsoleAttach;
import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply.ConsoleAttached;
import org.domus.hypervisor.ControlRequest;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code domus console DOMAIN}: attach this terminal to one domain's console. */
final class ConsoleCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "console",
            "Attach to a domain's console: its last lines, then what it prints; what you type goes to it.",
            "Ctrl-] detaches (the domain keeps running). Several consoles may watch one domain; the first one "
                    + "attached holds its input, the others are read-only until it detaches.");
    private final ControlOptions control = new ControlOptions(spec);
    private final OptionSpec readOnlyOption = Cli.flag(spec, new String[] {"-r", "--read-only"},
            "Only watch: never take the domain's input.");
    private final PositionalParamSpec domain = Cli.positional(spec, 0, "DOMAIN", String.class, "Its name, id or dN.");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws ControlException, IOException {
        boolean readOnly = readOnlyOption.getValue();
        ControlRequest.Console request = control.request(() -> new ControlRequest.Console(domain.getValue(), !readOnly));
        ControlClient client = control.connect();
        ConsoleAttached attached;
        try {
            attached = client.call(request);
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
