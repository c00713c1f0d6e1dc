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
import org.domus.fdt.Node;
import org.domus.fdt.Property;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code domus dt}: the device-tree toolkit, compatible with dtc. */
@Command(name = "dt", mixinStandardHelpOptions = true,
        description = "Compile, decompile and query device trees (byte-compatible with dtc 1.6).",
        subcommands = {DtCommand.Compile.class, DtCommand.Decompile.class, DtCommand.Get.class})
final class DtCommand {

    @Command(name = "compile", mixinStandardHelpOptions = true,
            description = "Compile device-tree source to a DTB, as dtc -I dts -O dtb does.")
    static final class Compile implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN.dts", description = "Device-tree source.")
        Path input;

        @Option(names = {"-o", "--out"}, paramLabel = "OUT.dtb", required = true, description = "Output blob ('-' for stdout).")
        String output;

        @Option(names = {"-i", "--include"}, paramLabel = "DIR", description = "Also search DIR for /include/ and /incbin/ files.")
        List<Path> includeDirs = new ArrayList<>();

        @Option(names = {"-@", "--symbols"}, description = "Add a __symbols__ node for overlays, as dtc -@ does.")
        boolean symbols;

        @Mixin
        Warnings warnings;

        @Override
        public Integer call() throws IOException, FdtException {
            DtsCompilation c = Fdt.compileDts(input, includeDirs, symbols);
            warnings.print(c.warnings());
            write(output, c.fdt().toDtb());
            return 0;
        }
    }

    @Command(name = "decompile", mixinStandardHelpOptions = true,
            description = "Print a DTB as device-tree source, as dtc -I dtb -O dts does.")
    static final class Decompile implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN.dtb", description = "Flattened device tree (DTS is accepted too).")
        Path input;

        @Option(names = {"-o", "--out"}, paramLabel = "OUT.dts", description = "Output file (default: stdout).")
        String output = "-";

        @Mixin
        Warnings warnings;

        @Override
        public Integer call() throws IOException, FdtException {
            byte[] bytes = Files.readAllBytes(input);
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
            write(output, fdt.toDts().getBytes(StandardCharsets.ISO_8859_1));
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Print one node, or one property of it, from a DTS or DTB file.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "DTS or DTB file.")
        Path input;

        @Parameters(index = "1", paramLabel = "PATH", description = "Node path, e.g. /chosen/domU1.")
        String path;

        @Parameters(index = "2", arity = "0..1", paramLabel = "PROPERTY", description = "Property name.")
        String property;

        @Override
        public Integer call() throws IOException, FdtException {
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
        @Option(names = {"-q", "--quiet"}, description = "Do not print dtc's warnings.")
        boolean quiet;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        void print(List<String> lines) {
            if (!quiet) {
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
