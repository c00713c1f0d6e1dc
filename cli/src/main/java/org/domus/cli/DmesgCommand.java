package org.domus.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlServer.LogLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code domus dmesg}: Domus's own log (the {@code (domus)} lines), as {@code xl dmesg} shows Xen's. */
@Command(name = "dmesg", mixinStandardHelpOptions = true,
        description = "Print the running system's own events (boots, exits, restarts, pinning, requests), timestamped.")
final class DmesgCommand implements Callable<Integer> {
    @Mixin
    ControlOptions control;

    @Option(names = "--json", description = "Print the events as one JSON array.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws ControlException {
        List<LogLine> events;
        try (ControlClient client = control.connect()) {
            events = client.dmesg();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonOut.write(events));
        } else {
            events.forEach(e -> out.println("[" + e.time() + "] " + e.text()));
        }
        out.flush();
        return 0;
    }
}
