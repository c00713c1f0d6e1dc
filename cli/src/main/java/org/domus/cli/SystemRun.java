package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

import org.domus.dom0less.Plan;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.engine.BootTrace;
import org.domus.engine.EngineException;
import org.domus.hypervisor.ConsoleInput;
import org.domus.hypervisor.ConsoleMux;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlServer;
import org.domus.hypervisor.ExitPolicies;
import org.domus.hypervisor.Hypervisor;
import org.domus.hypervisor.RunFolders;
import org.domus.hypervisor.SystemStore;

/** Boots a validated system and runs it until every domain is done: what {@code boot} and {@code demo} share. */
final class SystemRun {
    private SystemRun() {
    }

    /**
     * Prints every problem; with errors returns {@link Main#EXIT_INPUT} before anything starts. The system serves
     * the control socket {@code claim} bound while it runs (see {@link ControlServer}), and its xenstored next to
     * it; with {@code initDom0less} every enhanced domain has the init-dom0less handshake as it starts.
     */
    static int run(SystemConfig config, SystemClaim claim, String engine, Path runDir, ExitPolicies policies,
                   boolean initDom0less, PrintWriter err)
            throws IOException, EngineException, InterruptedException, ControlException {
        BootTrace.mark("planned");
        for (Problem p : config.problems()) {
            err.println(p);
        }
        err.flush();
        if (config.hasErrors()) {
            return Main.EXIT_INPUT;
        }
        Plan plan = Plan.of(config);
        // claimed before anything is built: a second system of the same name is refused here
        SystemClaim.Held held = claim.take();
        BootTrace.mark("control socket bound, xenstored started");
        ControlServer control = held.control();
        SystemStore store = held.store();
        String name = control.name();
        Hypervisor hv;
        Path dir;
        ConsoleMux mux = new ConsoleMux(System.out);
        try {
            dir = runDir != null ? runDir : defaultRunDir(name);
            mux.event("run folder " + dir);
            if (control.tookOverStale()) {
                mux.event("removed the stale control socket of a Domus that was killed");
            }
            if (initDom0less) {
                store.initDom0lessAtStart();
            }
            hv = Hypervisor.boot(plan, engine, dir, mux, policies, store);
        } catch (IOException | EngineException | RuntimeException e) {
            control.close();
            store.close();
            throw e;
        }
        control.serve(hv, dir);
        mux.event("system '%s': manage it with domus list|console|shutdown|… --name %s (socket %s)".formatted(name, name, control.socket()));
        mux.event("xenstore: " + store.usage());
        SystemStore.guestView(hv.domains()).ifPresent(mux::event);
        ConsoleInput input = ConsoleInput.interactive() ? openInput(hv, mux, plan) : null;
        // SIGINT/SIGTERM: the terminal is given back and every domain destroyed before the JVM goes (QEMU also
        // dies with us on kill -9, which leaves a raw terminal for `stty sane`).
        SystemStore xs = store;
        Thread hook = new Thread(() -> stop(input, hv, control, xs), "destroy-domains");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return hv.awaitAll();
        } finally {
            stop(input, hv, control, xs);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (SIGTERM): the hook is running or has run
            }
        }
    }

    /** Keys typed go to the domain holding input; without it (no stty, say) the system still runs, output only. */
    private static ConsoleInput openInput(Hypervisor hv, ConsoleMux mux, Plan plan) {
        try {
            return ConsoleInput.open(hv.domains(), mux, plan.conswitch(), hv::close);
        } catch (IOException | RuntimeException e) {
            mux.event("no console input: cannot put the terminal in raw mode: " + e.getMessage());
            return null;
        }
    }

    /** The store goes last: destroying the domains releases them from it (@releaseDomain). */
    private static void stop(ConsoleInput input, Hypervisor hv, ControlServer control, SystemStore store) {
        if (input != null) {
            input.close();
        }
        control.close();
        hv.close();
        store.close();
    }

    /** The name a system gets without --name: its file's, without the extension ("system" for system.dts). */
    static String defaultName(Path system) {
        String stem = system.getFileName().toString().replaceAll("\\.(dts|dtb|cmd|scr|txt)$", "");
        String name = stem.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") || name.startsWith("-") ? "default" : name;
    }

    static Path defaultRunDir(String systemName) throws IOException {
        return RunFolders.create(systemName);
    }
}
