package org.domus.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.domus.dom0less.Host;
import org.domus.dom0less.ModuleBytes;
import org.domus.dom0less.ModuleFiles;
import org.domus.dom0less.ModuleSource;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.dom0less.Validator;
import org.domus.engine.BootTrace;
import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** The system a command works on: its device tree, the module files, and the host to plan for. */
final class SystemInput {
    private final CommandSpec spec;
    private final PositionalParamSpec system;
    private final OptionSpec modules;
    private final OptionSpec hostCpus;
    private final OptionSpec hostMemoryMib;

    /** Adds the SYSTEM parameter and the options to {@code spec}. */
    SystemInput(CommandSpec spec) {
        this.spec = spec;
        system = Cli.positional(spec, 0, "SYSTEM", Path.class, "The system device tree, DTS or DTB.");
        modules = Cli.repeatable(spec, "--module", "ADDR=FILE",
                "Bytes of the boot module at ADDR (the seed's `tftpb ADDR FILE`; ADDR is hex), e.g. 0x2000000=Image-DomU.");
        hostCpus = Cli.option(spec, "--host-cpus", "N", Integer.class, "Plan for a host with N CPUs (default: this one).");
        hostMemoryMib = Cli.option(spec, "--host-memory", "MiB", Long.class,
                "Plan for a host with this much RAM in MiB (default: this one).");
    }

    /** The system's file. */
    Path system() {
        return system.getValue();
    }

    /** Reads and validates the system; every problem is in the result, with unused --module files as warnings. */
    SystemConfig load() throws IOException, FdtException {
        ModuleFiles files;
        try {
            files = ModuleFiles.of(Cli.values(modules), system().toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Host here = Host.current();
        Integer cpus = hostCpus.getValue();
        Long memoryMib = hostMemoryMib.getValue();
        Host host = new Host(cpus != null ? cpus : here.cpus(), memoryMib != null ? memoryMib << 20 : here.memoryBytes());
        Fdt fdt = Fdt.read(system());
        BootTrace.mark("system tree read");
        // A file at an address no module node asked for is most likely a mistyped address: the validator's
        // lookups are recorded, and every file never looked up gets a warning.
        Set<Long> asked = ConcurrentHashMap.newKeySet();
        SystemConfig config = Validator.load(fdt, new ModuleSource() {
            @Override
            public Optional<ModuleBytes> at(long address) {
                asked.add(address);
                return files.at(address);
            }

            @Override
            public Optional<ModuleBytes> uefiBinary(String fileName) {
                return files.uefiBinary(fileName);
            }
        }, host);
        List<Problem> problems = new ArrayList<>(config.problems());
        files.files().forEach((address, file) -> {
            if (!asked.contains(address)) {
                problems.add(Problem.warning("unused-module", "--module 0x%x=%s".formatted(address, file),
                        "no module node is at this address, so the file is not used"));
            }
        });
        return new SystemConfig(config.domains(), config.xen(), config.cpupoolPaths(), problems);
    }
}
