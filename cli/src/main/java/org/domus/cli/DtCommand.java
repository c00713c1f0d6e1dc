package org.domus.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.domus.fdt.DtsCompilation;
import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.InputFile;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

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
        private final CommandSpec spec = Cli.command(this, "compile", "Compile device-tree source to a DTB, as dtc -I dts -O dtb does.");
        private final PositionalParamSpec input = Cli.positional(spec, 0, "IN.dts", Path.class, "Device-tree source.");
        private final OptionSpec output = Cli.add(spec, OptionSpec.builder("-o", "--out").paramLabel("OUT.dtb").type(String.class)
                .required(true).description("Output blob ('-' for stdout)."));
        private final OptionSpec includeDirs = Cli.add(spec, OptionSpec.builder("-i", "--include").paramLabel("DIR").type(List.class)
                .auxiliaryTypes(String.class).description("Also search DIR for /include/ and /incbin/ files."));
        private final OptionSpec symbols = Cli.flag(spec, new String[] {"-@", "--symbols"},
                "Add a __symbols__ node for overlays, as dtc -@ does.");
        private final Warnings warnings = new Warnings(spec);

        @Override
        public Integer call() throws IOException, FdtException {
            List<Path> dirs = new ArrayList<>();
            Cli.values(includeDirs).forEach(d -> dirs.add(Path.of(d)));
            DtsCompilation c = Fdt.compileDts(input.getValue(), dirs, symbols.<Boolean>getValue());
            warnings.print(c.warnings());
            write(output.getValue(), c.fdt().toDtb());
            return 0;
        }
    }

    static final class Decompile implements Callable<Integer> {
        private final CommandSpec spec = Cli.command(this, "decompile", "Print a DTB as device-tree source, as dtc -I dtb -O dts does.");
        private final PositionalParamSpec input = Cli.positional(spec, 0, "IN.dtb", Path.class,
                "Flattened device tree (DTS is accepted too).");
        private final OptionSpec output = Cli.add(spec, OptionSpec.builder("-o", "--out").paramLabel("OUT.dts").type(String.class)
                .defaultValue("-").description("Output file (default: stdout)."));
        private final Warnings warnings = new Warnings(spec);

        @Override
        public Integer call() throws IOException, FdtException {
            Path input = this.input.getValue();
            byte[] bytes = InputFile.readTree(input);
            Fdt fdt;
            if (Fdt.isDtb(bytes)) {
                fdt = Fdt.fromDtb(bytes);
                warnings.print(fdt.check(input.toString()));   // dtc refuses to print a blob that fails its checks
            } else {
                DtsCompilation c = Fdt.compileDts(input, List.of(), false);
                fdt = c.fdt();
                warnings.print(c.warnings());
            }
            // Names are read byte for char (ISO-8859-1) and printed values are ASCII, so this writes the bytes dtc would.
            write(output.getValue(), fdt.toDts().getBytes(StandardCharsets.ISO_8859_1));
            return 0;
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

    /** {@code -q}: dtc prints its warnings to stderr unless told to be quiet; so do we. */
    static final class Warnings {
        private final CommandSpec spec;
        private final OptionSpec quiet;

        Warnings(CommandSpec spec) {
            this.spec = spec;
            quiet = Cli.flag(spec, new String[] {"-q", "--quiet"}, "Do not print dtc's warnings.");
        }

        void print(List<String> lines) {
            if (!quiet.<Boolean>getValue()) {
                lines.forEach(spec.commandLine().getErr()::println);
            }
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
