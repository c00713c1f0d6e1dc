package org.domus.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.DomainInfo;
import org.domus.hypervisor.TerminalText;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code domus info DOMAIN}: everything Domus knows about one domain (text others chose shown with its controls escaped). */
final class InfoCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "info", "Show one domain of a running system in full.");
    private final ControlOptions control = new ControlOptions(spec);
    private final JsonOut json = new JsonOut(spec, "Print it as one JSON object.");
    private final PositionalParamSpec domain = Cli.positional(spec, 0, "DOMAIN", String.class, "Its name, id or dN.");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws ControlException {
        ControlRequest.Info request = control.request(() -> new ControlRequest.Info(domain.getValue()));
        return json.print(control.call(request), InfoCommand::print);
    }

    private static void print(PrintWriter out, ControlReply.OneDomain reply) {
        DomainInfo d = reply.domain();
        out.printf(Locale.ROOT, "%-10s d%d %s%n", "domain", d.id(), TerminalText.escape(d.name()));
        out.printf(Locale.ROOT, "%-10s %s (%s)%n", "state", d.state(), d.flags());
        out.printf(Locale.ROOT, "%-10s %d MiB%n", "memory", d.memoryKib() / 1024);
        out.printf(Locale.ROOT, "%-10s %d, affinity %s%n", "vcpus", d.vcpus(), String.join(" ", d.affinity()));
        out.printf(Locale.ROOT, "%-10s %.1f s CPU, up %.1f s, %d restart%s%n", "time", d.cpuSeconds(),
                d.uptimeSeconds(), d.restarts(), d.restarts() == 1 ? "" : "s");
        out.printf(Locale.ROOT, "%-10s %s%n", "last exit", d.lastExit().isEmpty() ? "none" : TerminalText.escape(d.lastExit()));
        out.printf(Locale.ROOT, "%-10s %s%n", "engine", d.engine());
        out.printf(Locale.ROOT, "%-10s %s%n", "kernel", TerminalText.escape(d.kernel()));
        out.printf(Locale.ROOT, "%-10s %s%n", "ramdisk", d.ramdisk().isEmpty() ? "none" : TerminalText.escape(d.ramdisk()));
        out.printf(Locale.ROOT, "%-10s %s%n", "cmdline", TerminalText.escape(d.cmdline()));
        out.printf(Locale.ROOT, "%-10s %s%n", "run dir", TerminalText.escape(d.runDir()));
    }
}
