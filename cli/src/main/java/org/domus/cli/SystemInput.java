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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The system a command works on: its device tree, the module files, and the host to plan for. */
final class SystemInput {
    @Parameters(index = "0", paramLabel = "SYSTEM", description = "The system device tree, DTS or DTB.")
    Path system;

    @Option(names = "--module", paramLabel = "ADDR=FILE",
            description = "Bytes of the boot module at ADDR (the seed's `tftpb ADDR FILE`; ADDR is hex), e.g. 0x2000000=Image-DomU.")
    List<String> modules = new ArrayList<>();

    @Option(names = "--host-cpus", paramLabel = "N", description = "Plan for a host with N CPUs (default: this one).")
    Integer hostCpus;

    @Option(names = "--host-memory", paramLabel = "MiB", description = "Plan for a host with this much RAM in MiB (default: this one).")
    Long hostMemoryMib;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Reads and validates the system; every problem is in the result, with unused --module files as warnings. */
    SystemConfig load() throws IOException, FdtException {
        ModuleFiles files;
        try {
            files = ModuleFiles.of(modules, system.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Host here = Host.current();
        Host host = new Host(hostCpus != null ? hostCpus : here.cpus(),
                hostMemoryMib != null ? hostMemoryMib << 20 : here.memoryBytes());
        Fdt fdt = Fdt.read(system);
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
