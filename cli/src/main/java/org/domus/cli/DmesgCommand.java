package org.domus.cli;

import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;

import picocli.CommandLine.Model.CommandSpec;

/** {@code domus dmesg}: Domus's own log (the {@code (domus)} lines), as {@code xl dmesg} shows Xen's. */
final class DmesgCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "dmesg",
            "Print the running system's own events (boots, exits, restarts, pinning, requests), timestamped.");
    private final ControlOptions control = new ControlOptions(spec);
    private final JsonOut json = new JsonOut(spec, "Print the events as one JSON array.");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws ControlException {
        return json.print(control.call(new ControlRequest.Dmesg()), (out, events) -> {
            for (ControlReply.LogLine e : events.events()) {
                out.println("[" + e.time() + "] " + e.text());
            }
        });
    }
}
