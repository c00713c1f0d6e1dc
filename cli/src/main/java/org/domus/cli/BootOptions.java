package org.domus.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import org.domus.engine.Engine;
import org.domus.hypervisor.ExitPolicies;
import org.domus.hypervisor.ExitPolicy;
import org.domus.hypervisor.RunningSystem;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** How a system boots, shared by every command that boots one ({@code boot}, {@code uboot}). */
final class BootOptions {
    private final CommandSpec spec;
    private final OptionSpec engine;
    private final OptionSpec runDir;
    private final OptionSpec onPoweroff;
    private final OptionSpec onReboot;
    private final OptionSpec onCrash;
    private final OptionSpec name;
    private final OptionSpec initDom0less;
    private final OptionSpec detach;

    /** Adds the options to {@code spec}. */
    BootOptions(CommandSpec spec) {
        this.spec = spec;
        engine = Cli.option(spec, "--engine", "NAME", String.class, "auto",
                "Engine for every domain: auto (by each kernel's architecture) or " + String.join(", ", Engine.names())
                        + ". Default: ${DEFAULT-VALUE}.");
        runDir = Cli.option(spec, "--run-dir", "DIR", Path.class,
                "Where each domain's files and console log go (default: a new folder in $XDG_RUNTIME_DIR/domus/run or /tmp/domus-UID/run).");
        onPoweroff = Cli.option(spec, "--on-poweroff", "POLICY", String.class, "destroy",
                "destroy, restart or preserve (xl's on_poweroff). Default: ${DEFAULT-VALUE}.");
        onReboot = Cli.option(spec, "--on-reboot", "POLICY", String.class, "restart",
                "destroy, restart or preserve (xl's on_reboot). Default: ${DEFAULT-VALUE}.");
        onCrash = Cli.option(spec, "--on-crash", "POLICY", String.class, "destroy",
                "destroy, restart or preserve (xl's on_crash). Default: ${DEFAULT-VALUE}.");
        name = Cli.option(spec, "--name", "NAME", String.class,
                "The system's name, for the toolstack commands' --name (default: the file's name, e.g. system).");
        initDom0less = Cli.flag(spec, "--init-dom0less", "Run init-dom0less's handshake for every xen,enhanced domain as it "
                + "starts (store page, entries, introduction to xenstored); without it, run `domus init-dom0less` later.");
        detach = Cli.flag(spec, "--detach", "Run in the background: wait until every domain is started, print where "
                + "the consoles are, and exit; the system's output goes to domus.log in its run folder.");
    }

    String engine() {
        return engine.getValue();
    }

    /** --run-dir, or null for a new folder. */
    Path runDir() {
        return runDir.getValue();
    }

    boolean initDom0less() {
        return initDom0less.getValue();
    }

    boolean detach() {
        return detach.getValue();
    }

    /** --name, else the name of the file the system came from. */
    String systemName(Path source) {
        String n = name.getValue();
        return n != null ? n : defaultName(source);
    }

    /** How system {@code name} runs, its problems printed to {@code problems}. */
    RunningSystem.Options options(String name, PrintWriter problems) {
        return new RunningSystem.Options(name, engine(), runDir(), policies(), initDom0less(), System.out, problems);
    }

    /** The name a system gets without --name: its file's, without the extension ("system" for system.dts). */
    static String defaultName(Path system) {
        String stem = system.getFileName().toString().replaceAll("\\.(dts|dtb|cmd|scr|txt)$", "");
        String name = stem.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") || name.startsWith("-") ? "default" : name;
    }

    ExitPolicies policies() {
        try {
            return new ExitPolicies(ExitPolicy.parse(onPoweroff.getValue()), ExitPolicy.parse(onReboot.getValue()),
                    ExitPolicy.parse(onCrash.getValue()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "a policy is destroy, restart or preserve");
        }
    }
}
