package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.domus.engine.BootTrace;
import org.domus.engine.EngineException;
import org.domus.engine.payload.PayloadException;
import org.domus.fdt.FdtException;
import org.domus.hypervisor.ControlException;
import org.domus.uboot.ReplayException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code domus} command. */
@Command(name = "domus", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A dom0less hypervisor for Linux hosts.")
public final class Main {
    /** Bad input (configuration, source or blob). */
    static final int EXIT_INPUT = 1;
    /** Bad command line. */
    static final int EXIT_USAGE = 2;

    /**
     * The subcommands, in the order help lists them. picocli reflects over every option of every command it is
     * given, which took half of Domus's start-up for a boot; so a run models only the command it runs, and
     * help (or a mistyped command) all of them.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        // no lambdas or method references here: the JDK 25 AOT cache writer crashed on a map of constructor references
        SUBCOMMANDS.put("demo", DemoCommand.class);
        SUBCOMMANDS.put("boot", BootCommand.class);
        SUBCOMMANDS.put("plan", PlanCommand.class);
        SUBCOMMANDS.put("uboot", UbootCommand.class);
        SUBCOMMANDS.put("list", ListCommand.class);
        SUBCOMMANDS.put("info", InfoCommand.class);
        SUBCOMMANDS.put("console", ConsoleCommand.class);
        SUBCOMMANDS.put("shutdown", DomainActions.Shutdown.class);
        SUBCOMMANDS.put("reboot", DomainActions.Reboot.class);
        SUBCOMMANDS.put("destroy", DomainActions.Destroy.class);
        SUBCOMMANDS.put("pause", DomainActions.Pause.class);
        SUBCOMMANDS.put("unpause", DomainActions.Unpause.class);
        SUBCOMMANDS.put("vcpu-list", VcpuCommands.VcpuList.class);
        SUBCOMMANDS.put("vcpu-pin", VcpuCommands.VcpuPin.class);
        SUBCOMMANDS.put("dmesg", DmesgCommand.class);
        SUBCOMMANDS.put("init-dom0less", InitDom0lessCommand.class);
        SUBCOMMANDS.put("dt", DtCommand.class);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
    }

    public static void main(String[] args) {
        BootTrace.mark("main");
        System.exit(commandLine(args).execute(args));
    }

    /** The command line for running {@code args}. */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
            cl.addSubcommand(first, SUBCOMMANDS.get(first));
        } else {
            for (var command : SUBCOMMANDS.entrySet()) {
                cl.addSubcommand(command.getKey(), command.getValue());
            }
        }
        cl.setExecutionExceptionHandler(Main::report);
        BootTrace.mark("command line modelled");
        return cl;
    }

    /** Users see one line per problem, never a stack trace (DOMUS_DEBUG=1 shows it). */
    private static int report(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        switch (ex) {
            case FdtException e -> err.println(e.getMessage());
            case ReplayException e -> err.println(e.getMessage());
            case EngineException e -> err.println("domus: " + e.getMessage());
            case ControlException e -> err.println("domus: " + e.getMessage());
            case PayloadException e -> err.println("domus: " + e.getMessage());
            case NoSuchFileException e -> err.println("domus: " + e.getFile() + ": no such file");
            case IOException e -> err.println("domus: " + e.getMessage());
            default -> {
                err.println("domus: internal error: " + ex);
                ex.printStackTrace(err);
                return 70;
            }
        }
        if (System.getenv("DOMUS_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return EXIT_INPUT;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var d = Main.class.getModule().getDescriptor();
            return new String[] {"domus " + (d == null ? "dev" : d.rawVersion().orElse("dev"))};
        }
    }
}
