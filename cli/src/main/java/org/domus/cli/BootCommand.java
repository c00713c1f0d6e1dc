package org.domus.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.domus.engine.BootTrace;
import org.domus.engine.EngineException;
import org.domus.fdt.FdtException;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ExitPolicies;
import org.domus.hypervisor.ExitPolicy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code domus boot}: plan, build every domain in parallel, start them all at once, run until they are done. */
@Command(name = "boot", mixinStandardHelpOptions = true,
        description = {"Boot every domain of a dom0less system in parallel; their consoles print as (dN) lines.",
                "Exit status: 0 when every domain powered off, 1 on configuration errors or when a domain crashed,",
                "2 on usage errors. SIGINT/SIGTERM destroy every domain. On a terminal, keys go to one domain;",
                "Ctrl-A three times moves input to the next one, then to Domus, where q quits.",
                "While it runs, domus list, console, shutdown, reboot, destroy, pause, vcpu-pin… manage it, and its",
                "xenstored answers Debian's xenstore-* tools (the boot prints the XENSTORED_PATH to use)."})
final class BootCommand implements Callable<Integer> {
    @Mixin
    SystemInput input;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "auto",
            description = "Engine for every domain: auto (by each kernel's architecture), qemu or kvm. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Where each domain's files and console log go (default: a new folder under $XDG_RUNTIME_DIR or /tmp).")
    Path runDir;

    @Option(names = "--on-poweroff", paramLabel = "POLICY", defaultValue = "destroy", description = "destroy, restart or preserve (xl's on_poweroff). Default: ${DEFAULT-VALUE}.")
    String onPoweroff;

    @Option(names = "--on-reboot", paramLabel = "POLICY", defaultValue = "restart", description = "destroy, restart or preserve (xl's on_reboot). Default: ${DEFAULT-VALUE}.")
    String onReboot;

    @Option(names = "--on-crash", paramLabel = "POLICY", defaultValue = "destroy", description = "destroy, restart or preserve (xl's on_crash). Default: ${DEFAULT-VALUE}.")
    String onCrash;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The system's name, for the toolstack commands' --name (default: the file's name, e.g. system).")
    String name;

    @Option(names = "--init-dom0less", description = "Run init-dom0less's handshake for every xen,enhanced domain as it "
            + "starts (store page, entries, introduction to xenstored); without it, run `domus init-dom0less` later.")
    boolean initDom0less;

    @Option(names = "--detach", description = "Run in the background: wait until every domain is started, print where "
            + "the consoles are, and exit; the system's output goes to domus.log in its run folder.")
    boolean detach;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, FdtException, EngineException, InterruptedException, ControlException {
        BootTrace.mark("command line parsed");
        ExitPolicies policies;
        try {
            policies = new ExitPolicies(ExitPolicy.parse(onPoweroff), ExitPolicy.parse(onReboot), ExitPolicy.parse(onCrash));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a policy is destroy, restart or preserve");
        }
        String system = name != null ? name : SystemRun.defaultName(input.system);
        if (detach) {
            return Detach.run(spec.root().commandLine().getParseResult().originalArgs(), system, runDir,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        return SystemRun.run(input.load(), system, engine, runDir, policies, initDom0less, spec.commandLine().getErr());
    }
}
