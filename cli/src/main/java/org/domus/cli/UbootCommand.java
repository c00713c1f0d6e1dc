package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.domus.dom0less.Host;
import org.domus.dom0less.SystemConfig;
import org.domus.engine.BootTrace;
import org.domus.engine.EngineException;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ExitPolicies;
import org.domus.uboot.BootRequest;
import org.domus.uboot.Replay;
import org.domus.uboot.ReplayException;
import org.domus.uboot.Sizes;
import org.domus.uboot.TftpRoot;
import org.domus.uboot.TftpServer;
import org.domus.uboot.TftpSource;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code domus uboot}: replay a U-Boot boot script against a model of the board, then plan and boot what it hands over. */
@Command(name = "uboot", mixinStandardHelpOptions = true,
        description = {"Replay a U-Boot boot script (boot.cmd, or a boot.scr image), then boot it.",
                "tftpb and load fill board memory, fdt edits the tree there, and bootm,",
                "booti or bootz hands over: the system is planned from that tree, modules",
                "taken from memory at their reg addresses, and booted as `domus boot` does.",
                "Errors name script:line and the command, and stop before anything boots.",
                "Exit status: as boot; 1 also when the replay fails, 2 on usage errors."})
final class UbootCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCRIPT", description = "The boot script: U-Boot source text or a mkimage -T script image.")
    Path script;

    @Option(names = "--tftp-root", paramLabel = "DIR", description = "A folder standing in for the TFTP server's root (tftpb reads files there).")
    Path tftpRoot;

    @Option(names = "--tftp-server", paramLabel = "HOST[:PORT]", description = "A real TFTP server for tftpb (default: the script's serverip).")
    String tftpServer;

    @Option(names = "--root", paramLabel = "DIR", description = "The boot device's files, for load, fatload and ext4load.")
    Path root;

    @Option(names = "--board-memory", paramLabel = "SIZE", defaultValue = "4G",
            description = "The board's memory, from address 0 (4G, 512M, 0x80000000). Default: ${DEFAULT-VALUE}.")
    String boardMemory;

    @Option(names = "--plan-only", description = "Stop after printing the plan, as `domus plan` does.")
    boolean planOnly;

    @Mixin
    BootOptions boot;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, EngineException, InterruptedException, ReplayException, ControlException {
        BootTrace.mark("command line parsed");
        if (tftpRoot != null && tftpServer != null) {
            throw new ParameterException(spec.commandLine(), "--tftp-root and --tftp-server are two places for the same files: give one");
        }
        TftpSource tftp;
        long memory;
        try {
            tftp = tftpRoot != null ? new TftpRoot(tftpRoot) : tftpServer != null ? TftpServer.parse(tftpServer) : null;
            memory = Sizes.parse(boardMemory);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ExitPolicies policies = planOnly ? null : boot.policies();
        String name = boot.systemName(script);
        if (boot.detach && !planOnly) {
            return Detach.run(spec.root().commandLine().getParseResult().originalArgs(), name, boot.runDir,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReplayDisplay display = new ReplayDisplay(out, err, System.console() != null && System.console().isTerminal());
        BootRequest request = Replay.run(script, new Replay.Options(tftp, root, memory, display));
        BootTrace.mark("replayed");
        for (String note : request.notes()) {
            display.event(request.location() + ": " + request.command() + ": " + note);
        }
        SystemConfig config = request.system(Host.current());
        if (planOnly) {
            return PlanCommand.print(name, config, false, out, err);
        }
        return SystemRun.run(config, name, boot.engine, boot.runDir, policies, boot.initDom0less, err);
    }
}
