package org.domus.hypervisor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.domus.dom0less.Plan;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.engine.BootTrace;

/**
 * A dom0less system from its device tree to its end, owned in one place: its name claimed (control socket and
 * xenstored, while the tree is still being read), the tree planned, every domain built in parallel and started at
 * once, the toolstack served, the console on the terminal, and the end awaited; then stopped, one way for every
 * cause (SIGINT, SIGTERM, {@code q} at Domus's console stop, the last domain ending, a failed build or start).
 * {@code domus boot}, {@code uboot} and {@code demo} differ only in where the tree comes from ({@link Source}).
 */
public final class RunningSystem {
    /** Status of a system whose every domain ended without a crash. */
    public static final int EXIT_OK = 0;
    /** Status of a system with configuration errors (nothing started), or one whose domain last ended by crashing. */
    public static final int EXIT_FAILED = 1;

    /**
     * How a system runs.
     *
     * @param name          its name: control socket {@code NAME.sock}, xenstored {@code NAME.xenstored}
     * @param engine        "auto", "qemu", …
     * @param runDir        where each domain's files go; null: a new folder of the user's (see {@link RunFolders})
     * @param initDom0less  the init-dom0less handshake of each enhanced domain as it starts
     * @param terminal      where consoles and events print
     * @param problems      where the plan's problems print
     */
    public record Options(String name, String engine, Path runDir, ExitPolicies policies, boolean initDom0less,
                          PrintStream terminal, PrintWriter problems) {
    }

    /** Where a system's configuration comes from: read while the name is being claimed. */
    @FunctionalInterface
    public interface Source {
        SystemConfig load() throws Exception;
    }

    private final Options options;
    private final ControlServer control;
    private final SystemStore store;
    private final ConsoleMux mux;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Hypervisor hv;
    private volatile ConsoleInput input;

    private RunningSystem(Options options, ControlServer control, SystemStore store) {
        this.options = options;
        this.control = control;
        this.store = store;
        this.mux = new ConsoleMux(options.terminal());
    }

    /**
     * Boots the system {@code source} gives and runs it until no domain is left. Every problem of the plan prints;
     * with errors nothing starts. Returns {@link #EXIT_OK} or {@link #EXIT_FAILED}; the source's own exceptions
     * (an unreadable tree, a failed replay) and a failed boot are thrown, after everything was stopped.
     */
    public static int boot(Options options, Source source) throws Exception {
        try (SystemClaim claim = SystemClaim.start(options.name())) {
            SystemConfig config = source.load();
            BootTrace.mark("planned");
            for (Problem p : config.problems()) {
                options.problems().println(p);
            }
            options.problems().flush();
            if (config.hasErrors()) {
                return EXIT_FAILED;
            }
            Plan plan = Plan.of(config);
            // claimed before anything is built: a second system of the same name is refused here
            SystemClaim.Held held = claim.take();
            BootTrace.mark("control socket bound, xenstored started");
            return new RunningSystem(options, held.control(), held.store()).run(plan);
        }
    }

    private int run(Plan plan) throws Exception {
        // SIGINT/SIGTERM: the terminal is given back and every domain destroyed before the JVM goes (QEMU also
        // dies with us on kill -9, which leaves a raw terminal for `stty sane`)
        Thread hook = new Thread(this::stop, "stop-system");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Path dir = options.runDir() != null ? options.runDir() : RunFolders.create(options.name());
            mux.event("run folder " + dir);
            if (control.tookOverStale()) {
                mux.event("removed the stale control socket of a Domus that was killed");
            }
            if (options.initDom0less()) {
                store.initDom0lessAtStart();
            }
            hv = Hypervisor.of(plan, options.engine(), dir, mux, options.policies(), store);
            hv.start();
            control.serve(hv, dir);
            String name = control.name();
            mux.event("system '%s': manage it with domus list|console|shutdown|… --name %s (socket %s)".formatted(name, name, control.socket()));
            mux.event("xenstore: " + store.usage());
            SystemStore.guestView(hv.domains()).ifPresent(mux::event);
            if (ConsoleInput.interactive()) {
                input = openInput(plan);
            }
            return hv.awaitAll();
        } finally {
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (SIGTERM): the hook is running or has run
            }
        }
    }

    /** Keys typed go to the domain holding input; without it (no stty, say) the system still runs, output only. */
    private ConsoleInput openInput(Plan plan) {
        try {
            return ConsoleInput.open(hv.domains(), mux, plan.conswitch(), () -> hv.close());
        } catch (IOException | RuntimeException e) {
            mux.event("no console input: cannot put the terminal in raw mode: " + e.getMessage());
            return null;
        }
    }

    /**
     * Stops the system: console input given back, the control socket closed (answers being written go out first),
     * every domain destroyed and gone, xenstored last (destroying a domain releases it there: @releaseDomain), the
     * logs closed. Once, whoever calls it first (a SIGTERM's hook while the last domain ends, say); a second caller
     * waits until the first has finished.
     */
    private void stop() {
        if (!stopping.compareAndSet(false, true)) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            ConsoleInput in = input;
            if (in != null) {
                in.close();
            }
            control.close();
            Hypervisor h = hv;
            if (h != null) {
                h.close();
            }
            store.close();
            mux.close();
        } finally {
            stopped.countDown();
        }
    }
}
