package org.domus.cli;

import java.util.concurrent.Callable;

import org.domus.engine.BootTrace;
import org.domus.hypervisor.RunningSystem;

import picocli.CommandLine.Model.CommandSpec;

/** {@code domus boot}: plan, build every domain in parallel, start them all at once, run until they are done. */
final class BootCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "boot",
            "Boot every domain of a dom0less system in parallel; their consoles print as (dN) lines.",
            "Exit status: 0 when every domain powered off, 1 on configuration errors or when a domain crashed, "
                    + "2 on usage errors. SIGINT/SIGTERM destroy every domain.",
            "On a terminal, keys go to one domain; Ctrl-A three times moves input to the next one, then to Domus, "
                    + "where q quits.",
            "While it runs, domus list, console, shutdown, reboot, destroy, pause, vcpu-pin… manage it, and its "
                    + "xenstored answers Debian's xenstore-* tools (the boot prints the XENSTORED_PATH to use).");
    private final SystemInput input = new SystemInput(spec);
    private final BootOptions boot = new BootOptions(spec);

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        BootTrace.mark("command line parsed");
        RunningSystem.Options options = boot.options(boot.systemName(input.system()), spec.commandLine().getErr());
        if (boot.detach()) {
            return Detach.run(spec.root().commandLine().getParseResult().originalArgs(), options.name(), boot.runDir(),
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        return RunningSystem.boot(options, input::load);
    }
}
