package org.domus.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.DomainInfo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that act on one domain and print what became of it: destroy, pause, unpause, shutdown, reboot.
 * The others keep running whatever happens to this one.
 */
final class DomainActions {
    private DomainActions() {
    }

    /** What every one of them shares: the system, the domain, --json, and one request. */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        ControlOptions control;

        @Option(names = "--json", description = "Print the domain afterwards as one JSON object.")
        boolean json;

        @Parameters(paramLabel = "DOMAIN", description = "Its name, id or dN.")
        String domain;

        @Spec
        CommandSpec spec;

        abstract String op();

        /** Adds the options of this request. */
        void arguments(ObjectNode request) {
        }

        /** What to say when it is done, e.g. "paused". */
        abstract String done(DomainInfo after);

        @Override
        public Integer call() throws ControlException {
            ObjectNode request = ControlClient.request(op(), domain);
            arguments(request);
            DomainInfo after;
            try (ControlClient client = control.connect()) {
                after = client.call(request, DomainInfo.class);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? JsonOut.write(after) : "d%d %s: %s".formatted(after.id(), after.name(), done(after)));
            out.flush();
            return 0;
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = "Stop a domain at once (its engine process is killed), whatever its on_poweroff says.")
    static final class Destroy extends Action {
        @Override
        String op() {
            return "destroy";
        }

        @Override
        String done(DomainInfo after) {
            return "destroyed";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a domain's vCPUs; its memory and console stay.")
    static final class Pause extends Action {
        @Override
        String op() {
            return "pause";
        }

        @Override
        String done(DomainInfo after) {
            return "paused";
        }
    }

    @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Let a paused domain run again.")
    static final class Unpause extends Action {
        @Override
        String op() {
            return "unpause";
        }

        @Override
        String done(DomainInfo after) {
            return "running";
        }
    }

    /** shutdown and reboot: the power button, then the hard way after a timeout. */
    abstract static class Graceful extends Action {
        @Option(names = {"-w", "--wait"}, description = "Return only when it is done: shut down, or running again after a reboot.")
        boolean await;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
                description = "How long the guest gets to act on the power button. Default: ${DEFAULT-VALUE}.")
        long timeout;

        @Override
        void arguments(ObjectNode request) {
            if (timeout < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout must not be negative");
            }
            request.put("timeout", timeout);
            request.put("wait", await);
        }
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true,
            description = {"Press a domain's power button; if it is still running after --timeout, destroy it.",
                    "Its on_poweroff policy applies when the guest powers off."})
    static final class Shutdown extends Graceful {
        @Override
        String op() {
            return "shutdown";
        }

        @Override
        String done(DomainInfo after) {
            return await ? after.state().replace("shutdown", "shut down")
                    : "power button pressed (destroyed if still running in %d s)".formatted(timeout);
        }
    }

    @Command(name = "reboot", mixinStandardHelpOptions = true,
            description = {"Reboot one domain, rebuilt from the modules kept at boot with the same id and name.",
                    "Its power button first; after --timeout (or at once with --force) it is destroyed and built again."})
    static final class Reboot extends Graceful {
        @Option(names = {"-F", "--force"}, description = "Reset at once, without asking the guest first.")
        boolean force;

        @Override
        void arguments(ObjectNode request) {
            super.arguments(request);
            request.put("force", force);
        }

        @Override
        String op() {
            return "reboot";
        }

        @Override
        String done(DomainInfo after) {
            if (await) {
                return after.state().equals("running") ? "running again (restart %d)".formatted(after.restarts()) : after.state();
            }
            return force ? "resetting" : "power button pressed (reset if still running in %d s)".formatted(timeout);
        }
    }
}
