package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.domus.dom0less.Plan;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.fdt.FdtException;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code domus plan}: read and validate a system, print the domains that would boot. */
final class PlanCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "plan",
            "Validate a dom0less system and print the domains that would boot.",
            "Every problem is printed, one line each, with its device-tree path first.",
            "Exit status: 0 valid, 1 configuration errors, 2 usage errors.");
    private final SystemInput input = new SystemInput(spec);
    private final OptionSpec json = Cli.flag(spec, "--json", "Print the plan and every problem as one JSON document.");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws IOException, FdtException {
        return print(input.system().toString(), input.load(), json.getValue(), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Prints every problem and, for a valid system, its plan; 0 when valid, else {@link Main#EXIT_INPUT}. */
    static int print(String source, SystemConfig config, boolean json, PrintWriter out, PrintWriter err) {
        Plan plan = config.hasErrors() ? null : Plan.of(config);
        if (json) {
            out.println(PlanJson.render(source, config, plan));
        } else {
            for (Problem p : config.problems()) {
                err.println(p);
            }
            err.flush();
            if (plan != null) {
                out.print(PlanText.render(source, plan));
            }
        }
        out.flush();
        return plan == null ? Main.EXIT_INPUT : 0;
    }
}
