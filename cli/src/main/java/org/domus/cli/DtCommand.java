package org.domus.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.domus.fdt.BuildOptions;
import org.domus.fdt.DtbLayout;
import org.domus.fdt.DtsCompilation;
import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.InputFile;
import org.domus.fdt.Node;
import org.domus.fdt.Property;
import org.domus.fdt.SourceLabels;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code domus dt}: the device-tree toolkit, compatible with dtc. */
final class DtCommand {
    private final CommandSpec spec = Cli.command(this, "dt", "Compile, decompile and query device trees (byte-compatible with dtc 1.6).");

    DtCommand() {
        spec.addSubcommand("compile", new Compile().spec);
        spec.addSubcommand("decompile", new Decompile().spec);
        spec.addSubcommand("get", new Get().spec);
    }

    CommandSpec spec() {
        return spec;
    }

    static final class Compile implements Callable<Integer> {
        private final CommandSpec spec = Cli.command(this, "compile",
                "Compile a device tree to a DTB, as dtc -O dtb does (or to assembler source, as dtc -O asm).",
                "The input is source, a blob or a /proc/device-tree style folder (-I, else guessed as dtc guesses).");
        private final Input input = new Input(spec);
        private final OptionSpec output = Cli.add(spec, OptionSpec.builder("-o", "--out").paramLabel("OUT.dtb").type(String.class)
                .defaultValue("-").description("Output file ('-', the default, for stdout)."));
        private final OptionSpec outFormat = Cli.option(spec, "-O", "dtb|asm", String.class, "dtb",
                "Output format: dtb (default) or asm, assembler source that assembles to the same blob.");
        private final OptionSpec version = Cli.add(spec, OptionSpec.builder("-V", "--out-version").paramLabel("N").type(int.class)
                .defaultValue("17").description("Blob version: 17 (default), 16, or the legacy 1, 2, 3."));
        private final OptionSpec minSize = Cli.add(spec, OptionSpec.builder("-S", "--space").paramLabel("BYTES").type(String.class)
                .description("Pad the blob to at least BYTES."));
        private final OptionSpec pad = Cli.add(spec, OptionSpec.builder("-p", "--pad").paramLabel("BYTES").type(String.class)
                .description("Add BYTES of free space after the tree (room for U-Boot's fdt set)."));
        private final OptionSpec align = Cli.add(spec, OptionSpec.builder("-a", "--align").paramLabel("BYTES").type(String.class)
                .description("Pad the blob to a multiple of BYTES (a power of two)."));
        private final OptionSpec reserve = Cli.add(spec, OptionSpec.builder("-R", "--reserve").paramLabel("N").type(String.class)
                .description("Add N empty memory-reservation slots."));

        @Override
        public Integer call() throws IOException, FdtException {
            DtbLayout layout;
            try {
                layout = new DtbLayout(version.<Integer>getValue(), number(minSize), number(pad), number(align), number(reserve));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("domus dt compile: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            String format = outFormat.getValue();
            if (!format.equals("dtb") && !format.equals("asm")) {
                spec.commandLine().getErr().println("domus dt compile: unknown output format \"" + format
                        + "\" (dtb or asm; decompile prints dts)");
                return Main.EXIT_USAGE;
            }
            Fdt fdt = input.read();
            if (fdt == null) {
                return Main.EXIT_USAGE;
            }
            input.dependencies(output.getValue());
            if (format.equals("asm")) {
                write(output.getValue(), fdt.toAsm(layout, input.labels()).getBytes(StandardCharsets.ISO_8859_1));
                return 0;
            }
            byte[] plain = fdt.toDtb(new DtbLayout(layout.version(), 0, 0, 0, layout.extraReservations()));
            if (layout.minSize() > 0 && plain.length >= layout.minSize()) {
                input.warn("Warning: blob size " + plain.length + " >= minimum size " + layout.minSize());
            }
            write(output.getValue(), fdt.toDtb(layout));
            return 0;
        }

        /** dtc reads these with strtol(…, 0): decimal, 0x hex or 0 octal. */
        private static int number(OptionSpec o) {
            String v = o.getValue();
            if (v == null) {
                return 0;
            }
            String t = v.strip();
            boolean negative = t.startsWith("-");
            if (negative) {
                t = t.substring(1);
            }
            long n;
            if (t.startsWith("0x") || t.startsWith("0X")) {
                n = Long.parseLong(t.substring(2), 16);
            } else if (t.length() > 1 && t.startsWith("0")) {
                n = Long.parseLong(t.substring(1), 8);
            } else {
                n = Long.parseLong(t);
            }
            if (negative || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Invalid argument \"" + v + "\" to " + o.shortestName() + " option");
            }
            return (int) n;
        }
    }

    static final class Decompile implements Callable<Integer> {
        private final CommandSpec spec = Cli.command(this, "decompile", "Print a device tree as source, as dtc -O dts does.",
                "The input is a blob, source or a /proc/device-tree style folder (-I, else guessed as dtc guesses).");
        private final Input input = new Input(spec);
        private final OptionSpec output = Cli.add(spec, OptionSpec.builder("-o", "--out").paramLabel("OUT.dts").type(String.class)
                .defaultValue("-").description("Output file (default: stdout)."));

        @Override
        public Integer call() throws IOException, FdtException {
            Fdt fdt = input.read();
            if (fdt == null) {
                return Main.EXIT_USAGE;
            }
            input.dependencies(output.getValue());
            // Names are read byte for char (ISO-8859-1) and printed values are ASCII, so this writes the bytes dtc would.
            write(output.getValue(), fdt.toDts().getBytes(StandardCharsets.ISO_8859_1));
            return 0;
        }
    }

    /**
     * What both commands take from dtc's command line about reading and building the tree: the input and its
     * format, include folders, the checks (-W, -E, -f, -q) and what the build adds or changes (-@, -A, -H, -b, -s).
     */
    static final class Input {
        private final CommandSpec spec;
        private final PositionalParamSpec file;
        private final OptionSpec inFormat;
        private final OptionSpec includeDirs;
        private final OptionSpec symbols;
        private final OptionSpec aliases;
        private final OptionSpec phandles;
        private final OptionSpec bootCpu;
        private final OptionSpec sort;
        private final OptionSpec force;
        private final OptionSpec warnings;
        private final OptionSpec errors;
        private final OptionSpec depFile;
        private final OptionSpec quiet;
        private final List<String> opened = new ArrayList<>();
        private SourceLabels labels = SourceLabels.NONE;

        Input(CommandSpec spec) {
            this.spec = spec;
            file = Cli.positional(spec, 0, "IN", String.class, "Device tree: source, blob or folder ('-' for stdin).");
            inFormat = Cli.option(spec, "-I", "dts|dtb|fs", String.class,
                    "Input format (default: a folder is fs, a file starting with the blob magic dtb, else dts).");
            includeDirs = Cli.add(spec, OptionSpec.builder("-i", "--include").paramLabel("DIR").type(List.class)
                    .auxiliaryTypes(String.class).description("Also search DIR for /include/ and /incbin/ files."));
            symbols = Cli.flag(spec, new String[] {"-@", "--symbols"}, "Add a __symbols__ node for overlays, as dtc -@ does.");
            aliases = Cli.flag(spec, new String[] {"-A", "--auto-alias"}, "Add every label to /aliases.");
            phandles = Cli.add(spec, OptionSpec.builder("-H", "--phandle").paramLabel("legacy|epapr|both").type(String.class)
                    .defaultValue("epapr").description("Property new phandles go in: linux,phandle, phandle (default) or both."));
            bootCpu = Cli.add(spec, OptionSpec.builder("-b", "--boot-cpu").paramLabel("ID").type(String.class)
                    .description("Boot CPU's physical id for the blob header (default: the input's)."));
            sort = Cli.flag(spec, new String[] {"-s", "--sort"}, "Sort reservations, nodes and properties.");
            force = Cli.flag(spec, new String[] {"-f", "--force"}, "Write the output even if the tree has errors.");
            warnings = Cli.add(spec, OptionSpec.builder("-W", "--warning").paramLabel("[no-]CHECK").type(List.class)
                    .auxiliaryTypes(String.class).description("Turn a check's warning on (or off: no-CHECK)."));
            errors = Cli.add(spec, OptionSpec.builder("-E", "--error").paramLabel("[no-]CHECK").type(List.class)
                    .auxiliaryTypes(String.class).description("Make a check an error (or not: no-CHECK)."));
            depFile = Cli.add(spec, OptionSpec.builder("-d", "--out-dependency").paramLabel("FILE").type(String.class)
                    .description("Write make dependencies of the output on the files read to FILE."));
            quiet = Cli.flag(spec, new String[] {"-q", "--quiet"}, "Do not print dtc's warnings.");
        }

        /** The tree after dtc's checks and the build options; null after a usage error (already printed). */
        Fdt read() throws IOException, FdtException {
            String name = file.getValue();
            BuildOptions options;
            try {
                options = options();
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("domus dt " + spec.name() + ": " + e.getMessage());
                return null;
            }
            boolean stdin = name.equals("-");
            byte[] bytes = null;
            String format = inFormat.getValue();
            if (stdin) {
                bytes = System.in.readAllBytes();
            } else if (format == null && Files.isDirectory(Path.of(name))) {
                format = "fs";
            }
            if (format == null || !format.equals("fs")) {
                if (bytes == null) {
                    try {
                        bytes = InputFile.readTree(Path.of(name)); // bounded: a FIFO, /dev/zero or a folder is refused by name
                    } catch (InputFile.RefusedException e) {
                        throw new FdtException(e.getMessage(), e); // printed as dtc prints its input errors
                    }
                }
                if (format == null) {
                    format = Fdt.isDtb(bytes) ? "dtb" : "dts";
                }
            }
            String shown = stdin ? "<stdin>" : name;
            if (!stdin) {
                opened.add(name);
            }
            DtsCompilation c = switch (format) {
                case "dts" -> Fdt.compileDts(bytes, shown, dirs(), options);
                case "dtb" -> Fdt.fromDtb(bytes).rebuild(shown, options, true);
                case "fs" -> Fdt.fromDirectory(Path.of(name)).rebuild(shown, options, false);
                default -> null;
            };
            if (c == null) {
                spec.commandLine().getErr().println("domus dt " + spec.name() + ": unknown input format \"" + format
                        + "\" (dts, dtb or fs)");
                return null;
            }
            c.warnings().forEach(this::warn);
            opened.addAll(c.included());
            labels = c.labels() != null ? c.labels() : SourceLabels.NONE;
            Fdt fdt = c.fdt();
            if (bootCpu.getValue() != null) {
                fdt = fdt.withBootCpuid((int) Long.decode(bootCpu.<String>getValue()).longValue());
            }
            return sort.<Boolean>getValue() ? fdt.sorted() : fdt;
        }

        /** The labels of a tree compiled from source (for -O asm), by identity of its nodes and properties. */
        SourceLabels labels() {
            return labels;
        }

        private BuildOptions options() {
            List<BuildOptions.CheckSetting> checks = new ArrayList<>();
            // -W and -E apply in command-line order, and their effects depend on it
            List<String> w = Cli.values(warnings);
            List<String> e = Cli.values(errors);
            for (String arg : spec.commandLine().getParseResult() == null ? List.<String>of()
                    : spec.commandLine().getParseResult().originalArgs()) {
                if (matches(arg, "-W", "--warning")) {
                    checks.add(new BuildOptions.CheckSetting(false, w.get(count(checks, false))));
                } else if (matches(arg, "-E", "--error")) {
                    checks.add(new BuildOptions.CheckSetting(true, e.get(count(checks, true))));
                }
            }
            return new BuildOptions(symbols.<Boolean>getValue(), aliases.<Boolean>getValue(),
                    BuildOptions.PhandleFormat.of(phandles.getValue()), checks, force.<Boolean>getValue());
        }

        private static boolean matches(String arg, String shortName, String longName) {
            return arg.startsWith(shortName) || arg.equals(longName) || arg.startsWith(longName + "=");
        }

        private static int count(List<BuildOptions.CheckSetting> checks, boolean error) {
            return (int) checks.stream().filter(c -> c.error() == error).count();
        }

        private List<Path> dirs() {
            List<Path> dirs = new ArrayList<>();
            Cli.values(includeDirs).forEach(d -> dirs.add(Path.of(d)));
            return dirs;
        }

        void warn(String line) {
            if (!quiet.<Boolean>getValue()) {
                spec.commandLine().getErr().println(line);
            }
        }

        /** dtc's -d: "OUT: IN", as make reads it. */
        void dependencies(String out) throws IOException {
            String dep = depFile.getValue();
            if (dep == null) {
                return;
            }
            StringBuilder s = new StringBuilder(out.equals("-") ? "-" : out).append(':');
            opened.forEach(f -> s.append(' ').append(f));
            Files.writeString(Path.of(dep), s.append('\n').toString(), StandardCharsets.ISO_8859_1);
        }
    }

    static final class Get implements Callable<Integer> {
        private final CommandSpec spec = Cli.command(this, "get", "Print one node, or one property of it, from a DTS or DTB file.");
        private final PositionalParamSpec input = Cli.positional(spec, 0, "FILE", Path.class, "DTS or DTB file.");
        private final PositionalParamSpec path = Cli.positional(spec, 1, "PATH", String.class, "Node path, e.g. /chosen/domU1.");
        private final PositionalParamSpec property = Cli.optionalPositional(spec, 2, "PROPERTY", "Property name.");

        @Override
        public Integer call() throws IOException, FdtException {
            Path input = this.input.getValue();
            String path = this.path.getValue();
            String property = this.property.getValue();
            Fdt fdt = Fdt.read(input);
            Node node = fdt.node(path).orElse(null);
            if (node == null) {
                spec.commandLine().getErr().println(input + ": " + path + ": no such node");
                return Main.EXIT_INPUT;
            }
            if (property == null) {
                spec.commandLine().getOut().print(node.toDts());
                return 0;
            }
            Property p = node.property(property).orElse(null);
            if (p == null) {
                spec.commandLine().getErr().println(input + ": " + path + ": no property '" + property + "'");
                return Main.EXIT_INPUT;
            }
            spec.commandLine().getOut().println(p.toDtsValue());
            return 0;
        }
    }

    private static void write(String output, byte[] bytes) throws IOException {
        if (output.equals("-")) {
            OutputStream out = System.out;
            out.write(bytes);
            out.flush();
        } else {
            Files.write(Path.of(output), bytes);
        }
    }
}
