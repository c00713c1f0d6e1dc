package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

import org.domus.engine.EngineException;
import org.domus.engine.payload.PayloadException;
import org.domus.fdt.FdtException;
import org.domus.hypervisor.ControlException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code domus} command. */
@Command(name = "domus", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A dom0less hypervisor for Linux hosts.",
        subcommands = {DemoCommand.class, BootCommand.class, PlanCommand.class, DtCommand.class,
                ListCommand.class, InfoCommand.class, ConsoleCommand.class, DomainActions.Shutdown.class,
                DomainActions.Reboot.class, DomainActions.Destroy.class, DomainActions.Pause.class,
                DomainActions.Unpause.class, VcpuCommands.VcpuList.class, VcpuCommands.VcpuPin.class,
                DmesgCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Bad input (configuration, source or blob). */
    static final int EXIT_INPUT = 1;
    /** Bad command line. */
    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::report);
        return cl;
    }

    /** Users see one line per problem, never a stack trace (DOMUS_DEBUG=1 shows it). */
    private static int report(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        switch (ex) {
            case FdtException e -> err.println(e.getMessage());
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
