package org.domus.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.CpupoolInfo;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code domus cpupool-list}: the running system's cpupools, as {@code xl cpupool-list} prints them. */
final class CpupoolCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "cpupool-list",
            "List the cpupools (or one) with their CPUs, scheduler and domain count.",
            "As xl cpupool-list: Name, CPUs, Sched, Active, Domain count; with -c each pool's CPU list. Boot pools "
                    + "are named Pool-N as Xen names them; NAME may also be a xen,cpupool node's name or path.");
    private final ControlOptions control = new ControlOptions(spec);
    private final OptionSpec cpus = Cli.flag(spec, new String[] {"-c", "--cpus"}, "Print each pool's CPU list instead.");
    private final JsonOut json = new JsonOut(spec, "Print the pools as one JSON array.");
    private final PositionalParamSpec pool = Cli.optionalPositional(spec, 0, "NAME", "Only this pool.");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws ControlException {
        ControlRequest.CpupoolList request = control.request(() -> new ControlRequest.CpupoolList(pool.<String>getValue()));
        return json.print(control.call(request), (out, pools) -> out.print(table(pools.pools(), cpus.<Boolean>getValue())));
    }

    /** xl's layout: the name in 19 columns, then the CPU count, scheduler, "y" (a boot pool is active) and domains. */
    static String table(List<CpupoolInfo> pools, boolean cpuList) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-19s%s%n", "Name",
                cpuList ? "CPU list" : "CPUs   Sched     Active   Domain count"));
        for (CpupoolInfo p : pools) {
            s.append(String.format(Locale.ROOT, "%-19s", p.name()));
            if (cpuList) {
                s.append(String.join(",", p.cpus().stream().map(String::valueOf).toList()));
            } else {
                s.append(String.format(Locale.ROOT, "%3d %9s       y       %4d", p.cpus().size(), p.scheduler(), p.domains()));
            }
            s.append(String.format("%n"));
        }
        return s.toString();
    }
}
