package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.domus.engine.BootTrace;
import org.domus.engine.ConsoleStream;
import org.domus.engine.DomainHandle;
import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;

/**
 * A domain running in its own QEMU. Its exit reason is decided once QEMU has exited and both of its sockets have
 * been read to the end, so the SHUTDOWN event and a panic line printed just before a reset are never missed; a
 * panic that leaves QEMU running (the guest hangs or waits to reboot) ends the domain when the panic is over, and
 * QEMU is paused to keep the crashed state for inspection until {@link #destroy()}.
 *
 * <p>{@link #exited()} completes on one of the engine's threads: its callbacks should hand long work elsewhere.
 */
public final class QemuDomain implements DomainHandle {
    /** From launch to QEMU listening on its sockets; generous, as several QEMUs may start at once on 2 cores. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #destroy()} lets QEMU quit before killing it. */
    static final Duration QUIT_GRACE = Duration.ofSeconds(1);
    /** How long the exit handling waits for the sockets' last bytes after QEMU exited. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /** Linux's sun_path holds 108 bytes with the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    private static final int LOG_TAIL_LINES = 4;

    private final String name;
    private final String what;
    private final QemuProcess process;
    private final QmpClient qmp;
    private final ConsoleSocket console;
    private final PanicWatch panicWatch;
    private final El2Launch xen;
    private final CompletableFuture<ExitReason> exited = new CompletableFuture<>();
    private final AtomicBoolean destroying = new AtomicBoolean();
    private volatile boolean destroyRequested;
    private volatile String shutdownReason;
    private volatile String guestPanicked;

    private QemuDomain(String name, QemuProcess process, QmpClient qmp, ConsoleSocket console, PanicWatch panicWatch,
                       String executable, El2Launch xen) {
        this.xen = xen;
        this.name = name;
        this.what = "%s (pid %d)".formatted(executable, process.pid());
        this.process = process;
        this.qmp = qmp;
        this.console = console;
        this.panicWatch = panicWatch;
    }

    /** Starts QEMU stopped, connects its console and QMP, and returns once the domain is ready to {@link #start()}. */
    static QemuDomain launch(QemuCommandLine cl) throws EngineException {
        String name = cl.spec().name();
        prepareWorkDir(cl);
        El2Launch xen = cl.spec().xen() == null ? null : El2Launch.prepare(cl);
        if (xen == null && GuestDtb.needed(cl.spec())) {
            GuestDtb.write(cl, null);
        }
        QemuProcess process;
        try {
            BootTrace.mark(name + ": spawning QEMU");
            process = QemuProcess.launch(name, cl.args(), cl.spec().workDir(), cl.log());
        } catch (EngineException e) {
            if (xen != null) {
                xen.close();
            }
            throw e;
        }
        BootTrace.mark(name + ": QEMU spawned");
        PanicWatch panicWatch = new PanicWatch();
        ConsoleSocket console = null;
        QmpClient qmp = null;
        try {
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            // no guest output is lost: the machine is stopped (-S) until start() sends cont
            console = connectWhenListening(process, name, deadline, () -> ConsoleSocket.connect(name, cl.consoleSocket(), panicWatch));
            BootTrace.mark(name + ": console connected");
            qmp = connectWhenListening(process, name, deadline, () -> QmpClient.connect(name, cl.qmpSocket()));
            BootTrace.mark(name + ": QMP ready");
            Optional<String> tooOld = cl.qemu().refuses(qmp.qemuVersion());
            if (tooOld.isPresent()) {
                throw new EngineException(name + ": " + tooOld.get());
            }
            if (xen != null) {
                xen.attach(cl);
                BootTrace.mark(name + ": EL2 channels connected");
            }
        } catch (EngineException e) {
            if (xen != null) {
                xen.close();
            }
            if (qmp != null) {
                qmp.close();
            }
            if (console != null) {
                console.close();
            }
            throw startupFailure(process, cl.qemu(), name, e);
        }
        var domain = new QemuDomain(name, process, qmp, console, panicWatch, cl.qemu().path().getFileName().toString(), xen);
        domain.watch();
        return domain;
    }

    private void watch() {
        qmp.addListener(this::onEvent);
        // async: exited()'s callbacks must not hold the console reader, which the exit handling waits for
        panicWatch.settled().thenAcceptAsync(this::onPanicSettled);
        process.exit().thenAccept(this::onProcessExit);
    }

    /** QEMU's process id. */
    public long pid() {
        return process.pid();
    }

    /** QEMU's log file (its stdout and stderr). */
    public Path log() {
        return process.log();
    }

    /** The QMP connection, for tests and diagnostics. */
    QmpClient qmp() {
        return qmp;
    }

    @Override
    public void start() throws EngineException {
        live().cont();
    }

    @Override
    public void pause() throws EngineException {
        live().stop();
    }

    /** A hard reset; under {@code -no-reboot} QEMU then exits and the domain ends with {@link ExitReason.Reboot}. */
    @Override
    public void reset() throws EngineException {
        live().systemReset();
    }

    @Override
    public void powerButton() throws EngineException {
        live().systemPowerdown();
    }

    @Override
    public ConsoleStream console() {
        return console;
    }

    @Override
    public List<Long> vcpuThreadIds() throws EngineException {
        return live().vcpuThreadIds();
    }

    @Override
    public CompletionStage<ExitReason> exited() {
        return exited;
    }

    /** {@code quit}, then SIGKILL if QEMU has not exited within {@link #QUIT_GRACE}. Idempotent; never throws. */
    @Override
    public void destroy() {
        if (!destroying.compareAndSet(false, true)) {
            awaitQuietly(exited, QUIT_GRACE.plus(DRAIN_TIMEOUT).multipliedBy(2));
            return;
        }
        if (!exited.isDone()) {
            destroyRequested = true;
        }
        if (process.isAlive()) {
            qmp.send("quit", Map.of()); // the reply does not matter, the exit does
            if (!awaitQuietly(process.exit(), QUIT_GRACE)) {
                process.kill();
                awaitQuietly(process.exit(), DRAIN_TIMEOUT);
            }
        }
        awaitQuietly(exited, DRAIN_TIMEOUT);
        exited.complete(new ExitReason.Destroyed());
        qmp.close();
        console.close();
    }

    @Override
    public String toString() {
        return name + " on " + what;
    }

    private QmpClient live() throws EngineException {
        ExitReason done = exited.getNow(null);
        if (done != null) {
            throw new EngineException("%s has ended: %s".formatted(name, describe(done)));
        }
        return qmp;
    }

    private static String describe(ExitReason reason) {
        return switch (reason) {
            case ExitReason.PowerOff p -> "it powered off";
            case ExitReason.Reboot r -> "it rebooted";
            case ExitReason.Crash c -> "it crashed (" + c.detail() + ")";
            case ExitReason.Destroyed d -> "it was destroyed";
            case ExitReason.Error e -> e.detail();
        };
    }

    private void onEvent(QmpEvent event) {
        switch (event.name()) {
            case "SHUTDOWN" -> shutdownReason = event.text("reason");
            case "GUEST_PANICKED" -> guestPanicked = "guest panicked (" + event.data().path("info") + ")";
            default -> {
                // RESET, STOP, RESUME and others change nothing here
            }
        }
    }

    /** Runs when a panic is over and QEMU may still be running: pause it, then report the crash. */
    private void onPanicSettled(String panicLine) {
        if (exited.isDone() || !process.isAlive()) {
            return; // the exit handling reports the crash
        }
        try {
            qmp.stop(); // stop the vCPUs spinning in panic(); the state stays for inspection
        } catch (EngineException e) {
            // QEMU is going anyway (the panic ended in a reset): the crash stands
        }
        exited.complete(new ExitReason.Crash(panicLine));
    }

    /** Runs on the thread that spawned QEMU, when QEMU has exited. */
    private void onProcessExit(int status) {
        awaitQuietly(qmp.closed(), DRAIN_TIMEOUT);
        awaitQuietly(console.ended(), DRAIN_TIMEOUT);
        String panic = panicWatch.line() != null ? panicWatch.line() : guestPanicked;
        exited.complete(QemuExit.reason(shutdownReason, panic, destroyRequested, status, what,
                process.logTail(LOG_TAIL_LINES)));
        qmp.close();
        console.close();
        if (xen != null) {
            xen.close();
        }
    }

    private static void prepareWorkDir(QemuCommandLine cl) throws EngineException {
        for (Path socket : List.of(cl.consoleSocket(), cl.qmpSocket())) {
            int length = socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
            if (length > MAX_SOCKET_PATH) {
                throw new EngineException("%s: socket path %s is %d bytes, more than Unix sockets allow (%d): use a shorter work folder"
                        .formatted(cl.spec().name(), socket, length, MAX_SOCKET_PATH));
            }
        }
        try {
            Files.createDirectories(cl.spec().workDir());
            Files.deleteIfExists(cl.consoleSocket()); // a stale socket would look like a listening QEMU
            Files.deleteIfExists(cl.qmpSocket());
        } catch (IOException e) {
            throw new EngineException("%s: cannot prepare work folder %s: %s".formatted(cl.spec().name(), cl.spec().workDir(), e.getMessage()), e);
        }
    }

    private interface Connect<T> {
        T connect() throws EngineException;
    }

    /** Retries until QEMU listens: its socket file appears at bind, a moment before it accepts. */
    private static <T> T connectWhenListening(QemuProcess process, String name, long deadline, Connect<T> connect)
            throws EngineException {
        while (true) {
            try {
                return connect.connect();
            } catch (EngineException e) {
                if (!process.isAlive()) {
                    throw new EngineException("QEMU is gone", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new EngineException("%s: QEMU did not listen within %d s: %s".formatted(name,
                            STARTUP_TIMEOUT.toSeconds(), e.getMessage()), e);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(name + ": interrupted waiting for QEMU");
            }
        }
    }

    /**
     * Kills QEMU and says why it failed, with its own last words when it died by itself, and first its age when
     * it is too old for Domus (an old QEMU most likely died of an option it does not know).
     */
    private static EngineException startupFailure(QemuProcess process, QemuBinary qemu, String name, EngineException cause) {
        boolean diedByItself = !process.isAlive();
        process.kill();
        Integer status = awaitQuietly(process.exit(), DRAIN_TIMEOUT) ? process.exit().getNow(null) : null;
        if (diedByItself && status != null) {
            String tail = process.logTail(LOG_TAIL_LINES);
            String died = "QEMU " + QemuProcess.describe(status) + (tail.isEmpty() ? "" : ": " + tail);
            Optional<String> tooOld;
            try {
                tooOld = qemu.refuses(qemu.askVersion());
            } catch (EngineException e) {
                tooOld = Optional.empty(); // its own words are the best explanation there is
            }
            return new EngineException("%s: %s".formatted(name, tooOld.map(t -> t + "; " + died).orElse(died)), cause);
        }
        return cause;
    }

    private static boolean awaitQuietly(CompletableFuture<?> f, Duration timeout) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return f.isDone();
        }
    }
}
