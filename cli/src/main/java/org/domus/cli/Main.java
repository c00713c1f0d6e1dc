package org.domus.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.domus.engine.BootTrace;
import org.domus.engine.EngineException;
import org.domus.fdt.FdtException;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.RotatingLog;
import org.domus.hypervisor.TerminalText;
import org.domus.payload.PayloadException;
import org.domus.uboot.ReplayException;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Entry point of the {@code domus} command. */
public final class Main {
    /** Bad input (configuration, source or blob). */
    static final int EXIT_INPUT = 1;
    /** Bad command line. */
    static final int EXIT_USAGE = 2;

    /**
     * The subcommands, in the order help lists them. Modelling a command costs start-up time, so a run models only
     * the command it runs, and help (or a mistyped command) all of them.
     */
    private static final List<String> COMMANDS = List.of("demo", "boot", "plan", "uboot", "list", "info", "console",
            "create", "shutdown", "reboot", "destroy", "pause", "unpause", "vcpu-list", "vcpu-pin", "vcpu-set", "mem-set", "sysrq", "cpupool-list", "dmesg", "init-dom0less", "dt",
            "help");

    /**
     * Command {@code name} for picocli: every command declares its model in code (see {@link Cli}); help is picocli's
     * own. (A switch, not a map of constructor references: the JDK 25 AOT cache writer
     * crashed on one.)
     */
    private static Object command(String name) {
        return switch (name) {
            case "demo" -> new DemoCommand().spec();
            case "boot" -> new BootCommand().spec();
            case "plan" -> new PlanCommand().spec();
            case "uboot" -> new UbootCommand().spec();
            case "list" -> new ListCommand().spec();
            case "info" -> new InfoCommand().spec();
            case "console" -> new ConsoleCommand().spec();
            case "create" -> new CreateCommand().spec();
            case "shutdown" -> new DomainActions.Shutdown().spec();
            case "reboot" -> new DomainActions.Reboot().spec();
            case "destroy" -> new DomainActions.Destroy().spec();
            case "pause" -> new DomainActions.Pause().spec();
            case "unpause" -> new DomainActions.Unpause().spec();
            case "vcpu-list" -> new VcpuCommands.VcpuList().spec();
            case "vcpu-pin" -> new VcpuCommands.VcpuPin().spec();
            case "vcpu-set" -> new DomainActions.VcpuSet().spec();
            case "mem-set" -> new DomainActions.MemSet().spec();
            case "sysrq" -> new DomainActions.Sysrq().spec();
            case "cpupool-list" -> new CpupoolCommand().spec();
            case "dmesg" -> new DmesgCommand().spec();
            case "init-dom0less" -> new InitDom0lessCommand().spec();
            case "dt" -> new DtCommand().spec();
            case "help" -> CommandLine.HelpCommand.class;
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    /**
     * Set by {@code --detach} for the system it starts in the background: the file its output goes to, rotated as
     * console logs are, since every guest's console lines pass through it too.
     */
    static final String DETACHED_LOG = "DOMUS_DETACHED_LOG";

    public static void main(String[] args) {
        BootTrace.mark("main");
        String detachedLog = System.getenv(DETACHED_LOG);
        if (detachedLog != null && !detachedLog.isEmpty()) {
            try {
                PrintStream log = new PrintStream(new BufferedOutputStream(new RotatingLog(Path.of(detachedLog),
                        RotatingLog.DEFAULT_LIMIT), 1 << 16), true, StandardCharsets.UTF_8);
                System.setOut(log);
                System.setErr(log);
            } catch (IOException e) {
                System.err.println("domus: cannot write the log " + detachedLog + ": " + e.getMessage());
                System.exit(EXIT_INPUT);
            }
        }
        CommandLine cl = commandLine(args);
        int status;
        try {
            status = cl.execute(args);
        } catch (OutOfMemoryError e) {
            // Every input is bounded by its format's limits; what is left is a heap smaller than such an input needs.
            cl.getErr().println("domus: not enough memory for this input (the JVM's heap is %d MiB; raise it with JAVA_TOOL_OPTIONS=-Xmx…): domus %s"
                    .formatted(Runtime.getRuntime().maxMemory() >> 20, TerminalText.escape(String.join(" ", args))));
            status = EXIT_INPUT;
        }
        // What a command printed without a line end (dt get's node text) is still in the writer: System.exit would lose it.
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(status);
    }

    /** The command line for running {@code args}. */
    static CommandLine commandLine(String... args) {
        CommandSpec root = Cli.command(new Main(), "domus", "A dom0less hypervisor for Linux hosts.");
        root.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).description("Print version information and exit.").build());
        root.versionProvider(new Version());
        CommandLine cl = new CommandLine(root);
        String first = args.length > 0 ? args[0] : "";
        if (COMMANDS.contains(first) && !first.equals("help")) {
            cl.addSubcommand(first, command(first));
        } else {
            for (String name : COMMANDS) {
                cl.addSubcommand(name, command(name));
            }
        }
        cl.setExecutionExceptionHandler(Main::report);
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, all) -> unknownCommand(ex, all, usage));
        BootTrace.mark("command line modelled");
        return cl;
    }

    /**
     * A first word that is no command (picocli's "Unmatched argument at index 0") is named with the commands nearest to
     * it, in one line; every other usage error is picocli's, with the command's usage.
     */
    private static int unknownCommand(CommandLine.ParameterException ex, String[] args,
                                      CommandLine.IParameterExceptionHandler usage) throws Exception {
        CommandLine cl = ex.getCommandLine();
        if (ex instanceof CommandLine.UnmatchedArgumentException && cl.getCommandSpec().parent() == null
                && args.length > 0 && !args[0].startsWith("-") && !COMMANDS.contains(args[0])) {
            String word = args[0];
            List<String> near = nearest(word);
            cl.getErr().println("domus: unknown command '%s'%s".formatted(TerminalText.escape(word), near.isEmpty()
                    ? " (domus --help lists the commands)" : "; nearest: " + String.join(", ", near)));
            cl.getErr().flush();
            return EXIT_USAGE;
        }
        return usage.handleParseException(ex, args);
    }

    /** The commands a mistyped word most likely meant: those the fewest edits away (a prefix counts as one; 3 at most). */
    static List<String> nearest(String word) {
        String w = word.toLowerCase(java.util.Locale.ROOT);
        record Scored(String name, int distance) {
        }
        List<Scored> scored = new java.util.ArrayList<>();
        for (String c : COMMANDS) {
            int d = c.startsWith(w) || w.startsWith(c) ? Math.min(1, editDistance(w, c)) : editDistance(w, c);
            if (d <= Math.min(3, Math.max(1, c.length() / 2))) {
                scored.add(new Scored(c, d));
            }
        }
        int best = scored.stream().mapToInt(Scored::distance).min().orElse(0);
        return scored.stream().filter(x -> x.distance() == best).map(Scored::name).limit(4).toList();
    }

    /** Levenshtein distance, with a swap of two neighbours counting as one edit (Damerau's). */
    private static int editDistance(String a, String b) {
        if (a.length() > 64) {
            return Integer.MAX_VALUE;  // no command is that long: nothing is near
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
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
