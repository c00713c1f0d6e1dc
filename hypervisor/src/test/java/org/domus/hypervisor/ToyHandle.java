package org.domus.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.domus.engine.ConsoleStream;
import org.domus.engine.DomainHandle;
import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.ExitReason;
import org.domus.image.Arch;

/**
 * A stand-in engine domain for toolstack tests: the test prints on its console, reads what was typed to it, and
 * names a real host thread (a {@code sleep} process) as its vCPU so that pinning acts on something real.
 */
final class ToyHandle implements DomainHandle, ConsoleStream {
    private final ByteArrayOutputStream typed = new ByteArrayOutputStream();
    private final CompletableFuture<ExitReason> exited = new CompletableFuture<>();
    private final PipedOutputStream screen = new PipedOutputStream();
    private final PipedInputStream output;
    private final List<Long> vcpuThreads;
    volatile boolean paused;
    volatile int powerButtons;
    /** Run inside {@link #start()}: a guest that ends the instant it is let run. */
    volatile Runnable onStart = () -> { };

    ToyHandle(List<Long> vcpuThreads) {
        this.vcpuThreads = vcpuThreads;
        try {
            output = new PipedInputStream(screen, 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An engine that hands out {@code handle} once. */
    static Engine engine(ToyHandle handle) {
        return engine(() -> handle);
    }

    /** An engine whose every build (a reboot's too) is a handle from {@code handles}. */
    static Engine engine(Supplier<? extends DomainHandle> handles) {
        return new Engine() {
            @Override
            public String name() {
                return "toy";
            }

            @Override
            public Optional<String> unavailable(Arch arch) {
                return Optional.empty();
            }

            @Override
            public DomainHandle build(DomainSpec spec) {
                return handles.get();
            }
        };
    }

    void print(String text) throws IOException {
        screen.write(text.getBytes(StandardCharsets.UTF_8));
        screen.flush();
    }

    String typed() {
        synchronized (typed) {
            return typed.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void start() {
        paused = false;
        onStart.run();
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void reset() {
    }

    @Override
    public void powerButton() {
        powerButtons++;
    }

    /** The domain ends for {@code reason}: its console output ends too. */
    void exit(ExitReason reason) {
        exited.complete(reason);
        try {
            screen.close();
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void destroy() {
        exit(new ExitReason.Destroyed());
    }

    @Override
    public ConsoleStream console() {
        return this;
    }

    @Override
    public List<Long> vcpuThreadIds() {
        return vcpuThreads;
    }

    @Override
    public CompletionStage<ExitReason> exited() {
        return exited;
    }

    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public OutputStream input() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (typed) {
                    typed.write(b);
                }
            }
        };
    }
}
