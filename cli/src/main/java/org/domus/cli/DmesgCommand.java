package org.domus.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code domus dmesg}: Domus's own log (the {@code (domus)} lines), as {@code xl dmesg} shows Xen's. */
final class DmesgCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "dmesg",
            "Print the running system's own events (boots, exits, restarts, pinning, requests), timestamped.");
    private final ControlOptions control = new ControlOptions(spec);
    private final OptionSpec json = Cli.flag(spec, "--json", "Print the events as one JSON array.");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws ControlException {
        ControlReply.Events events;
        try (ControlClient client = control.connect()) {
            events = client.call(new ControlRequest.Dmesg());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.<Boolean>getValue()) {
            out.println(JsonOut.write(events));
        } else {
            for (ControlReply.LogLine e : events.events()) {
                out.println("[" + e.time() + "] " + e.text());
            }
        }
        out.flush();
        return 0;
    }
}
