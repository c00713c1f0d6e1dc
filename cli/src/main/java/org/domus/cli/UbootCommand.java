package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.domus.dom0less.Host;
import org.domus.dom0less.SystemConfig;
import org.domus.engine.BootTrace;
import org.domus.hypervisor.RunningSystem;
import org.domus.uboot.BootRequest;
import org.domus.uboot.Replay;
import org.domus.uboot.ReplayException;
import org.domus.uboot.Sizes;
import org.domus.uboot.TftpRoot;
import org.domus.uboot.TftpServer;
import org.domus.uboot.TftpSource;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** {@code domus uboot}: replay a U-Boot boot script against a model of the board, then plan and boot what it hands over. */
final class UbootCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "uboot",
            "Replay a U-Boot boot script (boot.cmd, or a boot.scr image), then boot it.",
            "tftpb and load fill board memory, fdt edits the tree there, and bootm, booti or bootz hands over: "
                    + "the system is planned from that tree, modules taken from memory at their reg addresses, "
                    + "and booted as `domus boot` does.",
            "Errors name script:line and the command, and stop before anything boots.",
            "Exit status: as boot; 1 also when the replay fails, 2 on usage errors.");
    private final PositionalParamSpec script = Cli.positional(spec, 0, "SCRIPT", Path.class,
            "The boot script: U-Boot source text or a mkimage -T script image.");
    private final OptionSpec tftpRoot = Cli.option(spec, "--tftp-root", "DIR", Path.class,
            "A folder standing in for the TFTP server's root (tftpb reads files there).");
    private final OptionSpec tftpServer = Cli.option(spec, "--tftp-server", "HOST[:PORT]", String.class,
            "A real TFTP server for tftpb (default: the script's serverip).");
    private final OptionSpec root = Cli.option(spec, "--root", "DIR", Path.class,
            "The boot device's files, for load, fatload and ext4load.");
    private final OptionSpec boardMemory = Cli.option(spec, "--board-memory", "SIZE", String.class, "4G",
            "The board's memory, from address 0 (4G, 512M, 0x80000000). Default: ${DEFAULT-VALUE}.");
    private final OptionSpec planOnly = Cli.flag(spec, "--plan-only", "Stop after printing the plan, as `domus plan` does.");
    private final BootOptions boot = new BootOptions(spec);

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        BootTrace.mark("command line parsed");
        Path tftpRootDir = tftpRoot.getValue();
        String tftpHost = tftpServer.getValue();
        boolean planOnly = this.planOnly.getValue();
        Path script = this.script.getValue();
        if (tftpRootDir != null && tftpHost != null) {
            throw new ParameterException(spec.commandLine(), "--tftp-root and --tftp-server are two places for the same files: give one");
        }
        TftpSource tftp;
        long memory;
        try {
            tftp = tftpRootDir != null ? new TftpRoot(tftpRootDir) : tftpHost != null ? TftpServer.parse(tftpHost) : null;
            memory = Sizes.parse(boardMemory.getValue());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (!planOnly) {
            boot.policies(); // a bad policy is a usage error before the script runs
        }
        String name = boot.systemName(script);
        if (boot.detach() && !planOnly) {
            return Detach.run(spec.root().commandLine().getParseResult().originalArgs(), name, boot.runDir(),
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReplayDisplay display = new ReplayDisplay(out, err, System.console() != null && System.console().isTerminal());
        Replay.Options replay = new Replay.Options(tftp, root.getValue(), memory, display);
        if (planOnly) {
            return PlanCommand.print(name, replayed(script, replay, display), false, out, err);
        }
        // the system's name is claimed while the script runs
        return RunningSystem.boot(boot.options(name, err), () -> replayed(script, replay, display));
    }

    /** The system the script hands over, its notes shown first. */
    private static SystemConfig replayed(Path script, Replay.Options replay, ReplayDisplay display)
            throws IOException, ReplayException {
        BootRequest request = Replay.run(script, replay);
        BootTrace.mark("replayed");
        for (String note : request.notes()) {
            display.event(request.location() + ": " + request.command() + ": " + note);
        }
        return request.system(Host.current());
    }
}
