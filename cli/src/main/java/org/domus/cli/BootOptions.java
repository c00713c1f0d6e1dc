package org.domus.cli;

import java.nio.file.Path;

import org.domus.hypervisor.ExitPolicies;
import org.domus.hypervisor.ExitPolicy;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How a system boots, shared by every command that boots one ({@code boot}, {@code uboot}). */
final class BootOptions {
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

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** --name, else the name of the file the system came from. */
    String systemName(Path source) {
        return name != null ? name : SystemRun.defaultName(source);
    }

    ExitPolicies policies() {
        try {
            return new ExitPolicies(ExitPolicy.parse(onPoweroff), ExitPolicy.parse(onReboot), ExitPolicy.parse(onCrash));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "a policy is destroy, restart or preserve");
        }
    }
}
