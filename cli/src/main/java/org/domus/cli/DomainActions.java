package org.domus.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.DomainInfo;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The commands that act on one domain and print what became of it: destroy, pause, unpause, sysrq, mem-set, vcpu-set,
 * shutdown, reboot (and {@link CreateCommand}). The others keep running whatever happens to this one.
 */
final class DomainActions {
    private DomainActions() {
    }

    /** What every one of them shares: the system, the domain, --json, and one request. */
    abstract static class Action<Q extends ControlRequest<ControlReply.OneDomain>> implements Callable<Integer> {
        final CommandSpec spec;
        private final ControlOptions control;
        private final JsonOut json;
        private final PositionalParamSpec domain;

        Action(String name, String... description) {
            spec = Cli.command(this, name, description);
            control = new ControlOptions(spec);
            json = new JsonOut(spec, "Print the domain afterwards as one JSON object.");
            domain = Cli.positional(spec, 0, "DOMAIN", String.class, "Its name, id or dN.");
        }

        CommandSpec spec() {
            return spec;
        }

        /** The request for {@code domain}, from this command's options. */
        abstract Q request(String domain);

        /** What to say when it is done, e.g. "paused". */
        abstract String done(Q request, DomainInfo after);

        @Override
        public Integer call() throws ControlException {
            Q request = control.request(() -> request(domain.getValue()));
            return json.print(control.call(request), (out, reply) -> {
                DomainInfo after = reply.domain();
                out.println("d%d %s: %s".formatted(after.id(), after.name(), done(request, after)));
            });
        }
    }

    /** xl's sysrq, mem-set and vcpu-set: one value after the domain, which the request is built with. */
    abstract static class Setting<Q extends ControlRequest<ControlReply.OneDomain>> extends Action<Q> {
        private final PositionalParamSpec value;

        Setting(String name, String label, String valueDescription, String... description) {
            super(name, description);
            value = Cli.positional(spec, 1, label, String.class, valueDescription);
        }

        @Override
        Q request(String domain) {
            return request(domain, value.getValue());
        }

        /** The request for {@code domain} with the value as given. */
        abstract Q request(String domain, String value);
    }

    static final class Destroy extends Action<ControlRequest.Destroy> {
        Destroy() {
            super("destroy", "Stop a domain at once (its engine process is killed), whatever its on_poweroff says.");
        }

        @Override
        ControlRequest.Destroy request(String domain) {
            return new ControlRequest.Destroy(domain);
        }

        @Override
        String done(ControlRequest.Destroy request, DomainInfo after) {
            return "destroyed";
        }
    }

    static final class Pause extends Action<ControlRequest.Pause> {
        Pause() {
            super("pause", "Stop a domain's vCPUs; its memory and console stay.");
        }

        @Override
        ControlRequest.Pause request(String domain) {
            return new ControlRequest.Pause(domain);
        }

        @Override
        String done(ControlRequest.Pause request, DomainInfo after) {
            return "paused";
        }
    }

    static final class Unpause extends Action<ControlRequest.Unpause> {
        Unpause() {
            super("unpause", "Let a paused domain run again.");
        }

        @Override
        ControlRequest.Unpause request(String domain) {
            return new ControlRequest.Unpause(domain);
        }

        @Override
        String done(ControlRequest.Unpause request, DomainInfo after) {
            return "running";
        }
    }

    /** xl's sysrq: one key to the guest's kernel through control/sysrq. */
    static final class Sysrq extends Setting<ControlRequest.Sysrq> {
        Sysrq() {
            super("sysrq", "KEY", "One sysrq letter (Linux's sysrq.rst lists them).",
                    "Send a Magic SysRq key to a Xen guest's kernel, as xl sysrq does (h prints its help in the kernel log).",
                    "Written to the guest's control/sysrq in xenstore: only a xen,enhanced domain whose kernel has connected "
                            + "to xenstore (after init-dom0less) reads it.");
        }

        @Override
        ControlRequest.Sysrq request(String domain, String key) {
            return new ControlRequest.Sysrq(domain, key);
        }

        @Override
        String done(ControlRequest.Sysrq request, DomainInfo after) {
            return "sysrq %s written to control/sysrq".formatted(request.key());
        }
    }

    /** xl's mem-set: the balloon's target through memory/target. */
    static final class MemSet extends Setting<ControlRequest.MemSet> {
        MemSet() {
            super("mem-set", "SIZE", "The target: 512m, 1g, 131072k; a bare number is MiB.",
                    "Set a Xen guest's memory target, as xl mem-set does: its balloon driver gives memory back to the host, "
                            + "or takes it again up to the memory it was built with.",
                    "SIZE as xl reads it: a number of MiB, or with a unit t, g, m, k or b (512m, 1g, 131072k). Written to the "
                            + "guest's memory/target in xenstore (KiB): only a xen,enhanced domain whose kernel has connected to "
                            + "xenstore (after init-dom0less) reads it.");
        }

        @Override
        ControlRequest.MemSet request(String domain, String size) {
            return new ControlRequest.MemSet(domain, ControlRequest.MemSet.kib(size));
        }

        @Override
        String done(ControlRequest.MemSet request, DomainInfo after) {
            return "memory target %d KiB (%d MiB) written to memory/target".formatted(request.targetKib(), request.targetKib() / 1024);
        }
    }

    /** xl's vcpu-set: cpu/N/availability for each vCPU. */
    static final class VcpuSet extends Setting<ControlRequest.VcpuSet> {
        VcpuSet() {
            super("vcpu-set", "COUNT", "From 1 to the vCPUs it was built with.",
                    "Set how many of a Xen guest's vCPUs are online, as xl vcpu-set does: the highest go offline first.",
                    "Written to the guest's cpu/N/availability in xenstore: only a xen,enhanced domain whose kernel has "
                            + "connected to xenstore (after init-dom0less) reads it. Linux takes a vCPU marked offline down "
                            + "itself; one marked online again is brought up by its userspace (a udev rule).");
        }

        @Override
        ControlRequest.VcpuSet request(String domain, String count) {
            return new ControlRequest.VcpuSet(domain, ControlRequest.VcpuSet.count(count));
        }

        @Override
        String done(ControlRequest.VcpuSet request, DomainInfo after) {
            return "%d of its %d vCPUs online (cpu/N/availability written)".formatted(request.vcpus(), after.vcpus());
        }
    }

    /** shutdown and reboot: the power button, then the hard way after a timeout. */
    abstract static class Graceful<Q extends ControlRequest<ControlReply.OneDomain>> extends Action<Q> {
        private final OptionSpec await;
        private final OptionSpec timeout;

        Graceful(String name, String... description) {
            super(name, description);
            await = Cli.flag(spec, new String[] {"-w", "--wait"},
                    "Return only when it is done: shut down, or running again after a reboot.");
            timeout = Cli.option(spec, "--timeout", "SECONDS", Long.class,
                    "How long the guest gets to act on the power button. Default: %d.".formatted(
                            ControlRequest.DEFAULT_TIMEOUT.toSeconds()));
        }

        boolean await() {
            return await.getValue();
        }

        /** --timeout, or the request's default when not given. */
        Duration timeout() {
            Long seconds = timeout.getValue();
            if (seconds == null) {
                return ControlRequest.DEFAULT_TIMEOUT;
            }
            if (seconds < 0) {
                throw new IllegalArgumentException("--timeout must not be negative");
            }
            return Duration.ofSeconds(seconds);
        }
    }

    static final class Shutdown extends Graceful<ControlRequest.Shutdown> {
        Shutdown() {
            super("shutdown", "Press a domain's power button; if it is still running after --timeout, destroy it.",
                    "Its on_poweroff policy applies when the guest powers off.");
        }

        @Override
        ControlRequest.Shutdown request(String domain) {
            return new ControlRequest.Shutdown(domain, timeout(), await());
        }

        @Override
        String done(ControlRequest.Shutdown request, DomainInfo after) {
            if (!request.await()) {
                return "power button pressed (destroyed if still running in %d s)".formatted(request.timeout().toSeconds());
            }
            // under on_poweroff=destroy a domain that shut down is gone (destroyed): what the user asked for happened
            if (after.state().equals("running")) {
                return "shut down, running again (restart %d)".formatted(after.restarts());
            }
            return after.lastExit().equals("powered off") ? "shut down" : after.state();
        }
    }

    static final class Reboot extends Graceful<ControlRequest.Reboot> {
        private final OptionSpec force;

        Reboot() {
            super("reboot", "Reboot one domain, rebuilt from the modules kept at boot with the same id and name.",
                    "Its power button first; after --timeout (or at once with --force) it is destroyed and built again.");
            force = Cli.flag(spec, new String[] {"-F", "--force"}, "Reset at once, without asking the guest first.");
        }

        @Override
        ControlRequest.Reboot request(String domain) {
            return new ControlRequest.Reboot(domain, timeout(), force.getValue(), await());
        }

        @Override
        String done(ControlRequest.Reboot request, DomainInfo after) {
            if (request.await()) {
                return after.state().equals("running") ? "running again (restart %d)".formatted(after.restarts()) : after.state();
            }
            return request.force() ? "resetting"
                    : "power button pressed (reset if still running in %d s)".formatted(request.timeout().toSeconds());
        }
    }
}
