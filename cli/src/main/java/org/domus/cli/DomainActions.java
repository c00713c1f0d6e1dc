package org.domus.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.DomainInfo;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * The commands that act on one domain and print what became of it: destroy, pause, unpause, shutdown, reboot.
 * The others keep running whatever happens to this one.
 */
final class DomainActions {
    private DomainActions() {
    }

    /** What every one of them shares: the system, the domain, --json, and one request. */
    abstract static class Action implements Callable<Integer> {
        final CommandSpec spec;
        private final ControlOptions control;
        private final OptionSpec json;
        private final PositionalParamSpec domain;

        Action(String name, String... description) {
            spec = Cli.command(this, name, description);
            control = new ControlOptions(spec);
            json = Cli.flag(spec, "--json", "Print the domain afterwards as one JSON object.");
            domain = Cli.positional(spec, 0, "DOMAIN", String.class, "Its name, id or dN.");
        }

        CommandSpec spec() {
            return spec;
        }

        /** Adds the options of this request. */
        void arguments(ObjectNode request) {
        }

        /** What to say when it is done, e.g. "paused". */
        abstract String done(DomainInfo after);

        @Override
        public Integer call() throws ControlException {
            ObjectNode request = ControlClient.request(spec.name(), domain.<String>getValue());
            arguments(request);
            DomainInfo after;
            try (ControlClient client = control.connect()) {
                after = client.call(request, DomainInfo.class);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(json.<Boolean>getValue() ? JsonOut.write(after) : "d%d %s: %s".formatted(after.id(), after.name(), done(after)));
            out.flush();
            return 0;
        }
    }

    static final class Destroy extends Action {
        Destroy() {
            super("destroy", "Stop a domain at once (its engine process is killed), whatever its on_poweroff says.");
        }

        @Override
        String done(DomainInfo after) {
            return "destroyed";
        }
    }

    static final class Pause extends Action {
        Pause() {
            super("pause", "Stop a domain's vCPUs; its memory and console stay.");
        }

        @Override
        String done(DomainInfo after) {
            return "paused";
        }
    }

    static final class Unpause extends Action {
        Unpause() {
            super("unpause", "Let a paused domain run again.");
        }

        @Override
        String done(DomainInfo after) {
            return "running";
        }
    }

    /** shutdown and reboot: the power button, then the hard way after a timeout. */
    abstract static class Graceful extends Action {
        private final OptionSpec await;
        private final OptionSpec timeout;

        Graceful(String name, String... description) {
            super(name, description);
            await = Cli.flag(spec, new String[] {"-w", "--wait"},
                    "Return only when it is done: shut down, or running again after a reboot.");
            timeout = Cli.option(spec, "--timeout", "SECONDS", long.class, "10",
                    "How long the guest gets to act on the power button. Default: ${DEFAULT-VALUE}.");
        }

        boolean await() {
            return await.getValue();
        }

        long timeout() {
            return timeout.getValue();
        }

        @Override
        void arguments(ObjectNode request) {
            if (timeout() < 0) {
                throw new ParameterException(spec.commandLine(), "--timeout must not be negative");
            }
            request.put("timeout", timeout());
            request.put("wait", await());
        }
    }

    static final class Shutdown extends Graceful {
        Shutdown() {
            super("shutdown", "Press a domain's power button; if it is still running after --timeout, destroy it.",
                    "Its on_poweroff policy applies when the guest powers off.");
        }

        @Override
        String done(DomainInfo after) {
            return await() ? after.state().replace("shutdown", "shut down")
                    : "power button pressed (destroyed if still running in %d s)".formatted(timeout());
        }
    }

    static final class Reboot extends Graceful {
        private final OptionSpec force;

        Reboot() {
            super("reboot", "Reboot one domain, rebuilt from the modules kept at boot with the same id and name.",
                    "Its power button first; after --timeout (or at once with --force) it is destroyed and built again.");
            force = Cli.flag(spec, new String[] {"-F", "--force"}, "Reset at once, without asking the guest first.");
        }

        @Override
        void arguments(ObjectNode request) {
            super.arguments(request);
            request.put("force", force.<Boolean>getValue());
        }

        @Override
        String done(DomainInfo after) {
            if (await()) {
                return after.state().equals("running") ? "running again (restart %d)".formatted(after.restarts()) : after.state();
            }
            return force.<Boolean>getValue() ? "resetting" : "power button pressed (reset if still running in %d s)".formatted(timeout());
        }
    }
}
