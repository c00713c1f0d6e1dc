package org.domus.hypervisor;

import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.domus.engine.DomainHandle;
import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;

/**
 * One domain of a running system: its id and name for life, the engine handle behind it (a new one after
 * each restart), and its state. Its exits are handled by its own policies; nothing here touches another
 * domain, so one domain rebooting or crashing never stops the others.
 */
public final class Domain {
    private final int id;
    private final String name;
    private final DomainSpec spec;
    private final Engine engine;
    private final ExitPolicies policies;
    private final ConsoleMux mux;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Instant created = Instant.now();

    private volatile DomainState state = DomainState.BUILDING;
    private volatile DomainHandle handle;
    private volatile ExitReason lastExit;
    private volatile boolean destroying;

    Domain(int id, String name, DomainSpec spec, Engine engine, ExitPolicies policies, ConsoleMux mux) {
        this.id = id;
        this.name = name;
        this.spec = spec;
        this.engine = engine;
        this.policies = policies;
        this.mux = mux;
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public DomainState state() {
        return state;
    }

    public ExitReason lastExit() {
        return lastExit;
    }

    public DomainSpec spec() {
        return spec;
    }

    /** How long the domain has existed (xl's Time column counts CPU time; this is wall time). */
    public Duration age() {
        return Duration.between(created, Instant.now());
    }

    /** Builds the engine domain, stopped, with its console already being read. */
    void build() throws EngineException {
        DomainHandle h = engine.build(spec);
        handle = h;
        Thread.ofVirtual().name("console-d" + id).start(() -> ConsolePump.run(h.console().output(),
                line -> mux.guestLine(id, line), partial -> mux.guestPartial(id, partial)));
    }

    /** Where bytes typed to the domain go: the console of its current engine domain (a new one after a restart). */
    OutputStream consoleInput() {
        DomainHandle h = handle;
        return h == null ? OutputStream.nullOutputStream() : h.console().input();
    }

    /** Lets it run, and from now on handles its exits. */
    void start() throws EngineException {
        DomainHandle h = handle;
        h.exited().thenAccept(reason -> Thread.ofVirtual().name("exit-d" + id).start(() -> exited(h, reason)));
        h.start();
        state = DomainState.RUNNING;
    }

    /** Stops it for good, whatever its policies say. */
    public void destroy() {
        destroying = true;
        DomainHandle h = handle;
        if (h != null) {
            h.destroy();
        }
        if (h == null) {
            finish(DomainState.DESTROYED);
        }
    }

    /** Waits until the domain is shut down, crashed or destroyed for good. */
    public boolean awaitFinal(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    private void exited(DomainHandle h, ExitReason reason) {
        lastExit = reason;
        if (destroying || reason instanceof ExitReason.Destroyed) {
            mux.event("d%d %s: destroyed".formatted(id, name));
            finish(DomainState.DESTROYED);
            return;
        }
        ExitPolicy policy;
        DomainState after;
        String what;
        switch (reason) {
            case ExitReason.PowerOff p -> {
                policy = policies.onPoweroff();
                after = DomainState.SHUTDOWN;
                what = "powered off";
            }
            case ExitReason.Reboot r -> {
                policy = policies.onReboot();
                after = DomainState.SHUTDOWN;
                what = "rebooted";
            }
            case ExitReason.Crash c -> {
                policy = policies.onCrash();
                after = DomainState.CRASHED;
                what = "crashed: " + c.detail();
            }
            case ExitReason.Error e -> {
                policy = policies.onCrash();
                after = DomainState.CRASHED;
                what = "failed: " + e.detail();
            }
            case ExitReason.Destroyed d -> throw new AssertionError("handled above");
        }
        h.destroy();
        if (policy != ExitPolicy.RESTART) {
            mux.event("d%d %s: %s (%s)".formatted(id, name, what, policy));
            finish(after);
            return;
        }
        mux.event("d%d %s: %s, restarting".formatted(id, name, what));
        state = DomainState.RESTARTING;
        try {
            build();
            if (destroying) {
                handle.destroy();
                finish(DomainState.DESTROYED);
                return;
            }
            start();
        } catch (EngineException e) {
            mux.event("d%d %s: restart failed: %s".formatted(id, name, e.getMessage()));
            lastExit = new ExitReason.Error(e.getMessage());
            finish(DomainState.CRASHED);
        }
    }

    /** The first final state sticks: destroying a crashed domain at exit does not hide that it crashed. */
    private synchronized void finish(DomainState end) {
        if (!state.isFinal()) {
            state = end;
        }
        finished.countDown();
    }
}
