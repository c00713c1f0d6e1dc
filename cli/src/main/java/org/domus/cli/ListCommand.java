package org.domus.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.DomainInfo;
import org.domus.hypervisor.TerminalText;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code domus list}: the domains of a running system, as {@code xl list} prints them. */
final class ListCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "list",
            "List the domains of a running system: Name, ID, Mem (MiB), VCPUs, State, Time(s).",
            "State is xl's: r running, b blocked (idle), p paused, s shut down, c crashed, d dying or restarting.",
            "Time(s) is the CPU time its vCPUs used since it last started.",
            "As xl list, only the domains that exist: one destroyed, shut down or crashed (and not restarted by its "
                    + "policy) leaves the list; --all shows it too, and `domus create` starts it again.");
    private final ControlOptions control = new ControlOptions(spec);
    private final OptionSpec all = Cli.flag(spec, new String[] {"-a", "--all"},
            "Also the domains that are defined but stopped (shut down, crashed or destroyed).");
    private final JsonOut json = new JsonOut(spec, "Print the domains as one JSON array.");
    private final PositionalParamSpec only = Cli.positionals(spec, 0, "DOMAIN", "Only these domains (name, id or dN).");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws ControlException {
        List<ControlRequest.Info> named = control.request(() -> Cli.values(only).stream().map(ControlRequest.Info::new).toList());
        List<DomainInfo> domains;
        try (ControlClient client = control.connect()) {
            if (named.isEmpty()) {
                domains = client.call(new ControlRequest.ListDomains(all.<Boolean>getValue())).domains();
            } else {
                // named domains are shown whatever their state, as xl list does
                domains = new ArrayList<>();
                for (ControlRequest.Info request : named) {
                    domains.add(client.call(request).domain());
                }
            }
        }
        return json.print(new ControlReply.Domains(domains), (out, reply) -> out.print(table(reply.domains())));
    }

    /**
     * xl's columns and widths; a name longer than its column pushes the row right rather than being cut. A name is
     * the store's, which any writer of it chose: its controls are shown escaped, never sent to the terminal. Padded
     * by hand: the first {@code String.format} of a number sets up the locale data, ~7 ms of every {@code domus list}.
     */
    static String table(List<DomainInfo> domains) {
        StringBuilder s = new StringBuilder(80 * (domains.size() + 1));
        row(s, "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
        for (DomainInfo d : domains) {
            row(s, TerminalText.escape(d.name()), Integer.toString(d.id()), Long.toString(d.memoryKib() / 1024), Integer.toString(d.vcpus()),
                    d.flags(), tenths(d.cpuSeconds()));
        }
        return s.toString();
    }

    private static void row(StringBuilder s, String name, String id, String mem, String vcpus, String state, String time) {
        s.append(name).repeat(' ', Math.max(0, 32 - name.length()));
        right(s, id, 6);
        right(s, mem, 7);
        right(s, vcpus, 6);
        right(s, state, 11);
        right(s, time, 10);
        s.append(System.lineSeparator());
    }

    /** {@code text} right-aligned in {@code width} columns, the separating space included. */
    private static void right(StringBuilder s, String text, int width) {
        s.repeat(' ', Math.max(1, width - text.length())).append(text);
    }

    /** {@code seconds} with one decimal, as {@code %.1f} prints a non-negative number. */
    static String tenths(double seconds) {
        long t = Math.round(Math.max(0, seconds) * 10);
        return (t / 10) + "." + (t % 10);
    }
}
