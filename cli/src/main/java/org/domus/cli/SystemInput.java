package org.domus.cli;

import java.io.IOException;
import java.nio.file.Path;

import org.domus.dom0less.Host;
import org.domus.dom0less.ModuleFiles;
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
    private final OptionSpec gicVersion;

    /** Adds the SYSTEM parameter and the options to {@code spec}. */
    SystemInput(CommandSpec spec) {
        this.spec = spec;
        system = Cli.positional(spec, 0, "SYSTEM", Path.class, "The system device tree, DTS or DTB.");
        modules = Cli.repeatable(spec, "--module", "ADDR=FILE",
                "Bytes of the boot module at ADDR (the seed's `tftpb ADDR FILE`; ADDR is hex), e.g. 0x2000000=Image-DomU.");
        hostCpus = Cli.option(spec, "--host-cpus", "N", Integer.class, "Plan for a host with N CPUs (default: this one).");
        hostMemoryMib = Cli.option(spec, "--host-memory", "MiB", Long.class,
                "Plan for a host with this much RAM in MiB (default: this one).");
        gicVersion = Cli.option(spec, "--gic-version", "2|3", Integer.class,
                "The GIC every domain gets when the system tree has no interrupt controller to read it from (default: 3).");
    }

    /** The system's file. */
    Path system() {
        return system.getValue();
    }

    /** Reads and validates the system; every problem is in the result, unused --module files as warnings. */
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
        Integer gic = gicVersion.getValue();
        if (gic != null && gic != 2 && gic != 3) {
            throw new ParameterException(spec.commandLine(), "--gic-version must be 2 or 3, not " + gic);
        }
        Host host = new Host(cpus != null ? cpus : here.cpus(), memoryMib != null ? memoryMib << 20 : here.memoryBytes(),
                gic != null ? gic : 0);
        Fdt fdt = Fdt.read(system());
        BootTrace.mark("system tree read");
        return Validator.load(fdt, files, host);
    }
}
