package org.domus.hypervisor;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A system's name claimed (its control socket bound) and its xenstored started, on a thread of their own: neither
 * depends on the system's tree, so they overlap reading and validating it, which takes about 20 ms off every
 * boot's critical path. A boot {@linkplain #take() takes} them; closing releases them if it did not (the tree had
 * errors), so a refused boot leaves no socket behind.
 */
final class SystemClaim implements AutoCloseable {
    /** What a running system serves. */
    record Held(ControlServer control, SystemStore store) {
    }

    private final CompletableFuture<Held> held;
    private boolean taken;

    private SystemClaim(CompletableFuture<Held> held) {
        this.held = held;
    }

    /** Starts claiming system {@code name}. */
    static SystemClaim start(String name) {
        CompletableFuture<Held> f = new CompletableFuture<>();
        Thread.ofVirtual().name("claim-" + name).start(() -> {
            ControlServer control = null;
            try {
                control = ControlServer.bind(name);
                // the control socket is ours: a xenstored socket of this name left by a killed Domus is stale too
                f.complete(new Held(control, SystemStore.start(ControlPaths.xenstoreSocket(name))));
            } catch (ControlException | IOException | RuntimeException e) {
                if (control != null) {
                    control.close();
                }
                f.completeExceptionally(e);
            }
        });
        return new SystemClaim(f);
    }

    /** The socket and the store, now the caller's to close; a name already taken is bind's {@link ControlException}. */
    Held take() throws ControlException, IOException, InterruptedException {
        try {
            Held h = held.get();
            taken = true;
            return h;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case ControlException c -> throw c;
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Releases the socket and the store unless a boot took them (waits for the claim to finish: a few ms). */
    @Override
    public void close() {
        if (taken) {
            return;
        }
        try {
            Held h = held.join();
            h.control().close();
            h.store().close();
        } catch (CompletionException e) {
            // nothing was claimed
        }
    }
}
