package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.concurrent.Callable;

import org.domus.dom0less.Host;
import org.domus.dom0less.ModuleBytes;
import org.domus.dom0less.ModuleFiles;
import org.domus.dom0less.ModuleSource;
import org.domus.dom0less.Plan;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.dom0less.Validator;
import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code domus plan}: read and validate a system, print the domains that would boot. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Validate a dom0less system and print the domains that would boot.",
                "Every problem is printed, one line each, with its device-tree path first.",
                "Exit status: 0 valid, 1 configuration errors, 2 usage errors."})
final class PlanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SYSTEM", description = "The system device tree, DTS or DTB.")
    Path system;

    @Option(names = "--module", paramLabel = "ADDR=FILE",
            description = "Bytes of the boot module at ADDR (the seed's `tftpb ADDR FILE`), e.g. 0x2000000=Image-DomU.")
    List<String> modules = new ArrayList<>();

    @Option(names = "--json", description = "Print the plan and every problem as one JSON document.")
    boolean json;

    @Option(names = "--host-cpus", paramLabel = "N", description = "Plan for a host with N CPUs (default: this one).")
    Integer hostCpus;

    @Option(names = "--host-memory", paramLabel = "MiB", description = "Plan for a host with this much RAM in MiB (default: this one).")
    Long hostMemoryMib;

    @Spec
    CommandSpec spec;

    /**
     * A file given with --module at an address no module node asked for is most likely a mistyped address:
     * the validator's lookups are recorded, and every file never looked up gets a warning.
     */
    private static SystemConfig withUnusedModules(ModuleFiles files, Function<ModuleSource, SystemConfig> load) {
        Set<Long> asked = ConcurrentHashMap.newKeySet();
        SystemConfig config = load.apply(new ModuleSource() {
            @Override
            public Optional<ModuleBytes> at(long address) {
                asked.add(address);
                return files.at(address);
            }

            @Override
            public Optional<ModuleBytes> uefiBinary(String fileName) {
                return files.uefiBinary(fileName);
            }
        });
        List<Problem> problems = new ArrayList<>(config.problems());
        files.files().forEach((address, file) -> {
            if (!asked.contains(address)) {
                problems.add(Problem.warning("unused-module", "--module 0x%x=%s".formatted(address, file),
                        "no module node is at this address, so the file is not used"));
            }
        });
        return new SystemConfig(config.domains(), config.xen(), config.cpupoolPaths(), problems);
    }

    @Override
    public Integer call() throws IOException, FdtException {
        ModuleFiles files;
        try {
            Path base = system.toAbsolutePath().getParent();
            files = ModuleFiles.of(modules, base);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Host here = Host.current();
        Host host = new Host(hostCpus != null ? hostCpus : here.cpus(),
                hostMemoryMib != null ? hostMemoryMib << 20 : here.memoryBytes());
        Fdt fdt = Fdt.read(system);
        SystemConfig config = withUnusedModules(files, source -> Validator.load(fdt, source, host));
        Plan plan = config.hasErrors() ? null : Plan.of(config);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(PlanJson.render(system.toString(), config, plan));
        } else {
            PrintWriter err = spec.commandLine().getErr();
            for (Problem p : config.problems()) {
                err.println(p);
            }
            err.flush();
            if (plan != null) {
                out.print(PlanText.render(system.toString(), plan));
            }
        }
        out.flush();
        return plan == null ? Main.EXIT_INPUT : 0;
    }
}
