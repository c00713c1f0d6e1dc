package org.domus.hypervisor;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;


import org.domus.engine.DomainHandle;
import org.domus.engine.EngineException;

/**
 * The control socket of a running system: {@code domus list}, {@code console}, {@code shutdown} and the rest talk to
 * it. Bound before any domain is built, so a second system of the same name is refused before it starts anything;
 * a socket file nobody answers on (its Domus was killed) is removed and taken over. Requests are served once the
 * system runs; each connection has a virtual thread of its own and may carry several requests.
 */
public final class ControlServer implements AutoCloseable {
    /** A shutdown or reboot waited for with --wait gets this much beyond its timeout to settle. */
    static final Duration SETTLE = Duration.ofSeconds(60);
    /** How long closing waits for requests being answered: the last domain's destroy ends the system mid-answer. */
    static final Duration DRAIN = Duration.ofSeconds(2);

    private final String name;
    private final Path socket;
    private final ServerSocketChannel channel;
    private final boolean tookOverStale;
    private final Instant started = Instant.now();
    private volatile Path runDir;
    private volatile boolean closed;
    /** Requests being answered; guarded by {@code this}. */
    private int answering;

    private ControlServer(String name, Path socket, ServerSocketChannel channel, boolean tookOverStale) {
        this.name = name;
        this.socket = socket;
        this.channel = channel;
        this.tookOverStale = tookOverStale;
    }

    /** Claims the socket of system {@code name}, owner-only (0600). */
    public static ControlServer bind(String name) throws ControlException {
        Path socket = ControlPaths.socket(name);
        boolean stale = false;
        try {
            ControlPaths.createDirectory();
            if (Files.exists(socket)) {
                if (ControlClient.answers(socket)) {
                    throw new ControlException("a system named '%s' is already running (socket %s): give this one another --name"
                            .formatted(name, socket));
                }
                Files.deleteIfExists(socket); // left by a Domus that was killed: nobody listens on it
                stale = true;
            }
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(name, socket, ch, stale);
        } catch (IOException e) {
            throw new ControlException("cannot create control socket %s: %s".formatted(socket, e.getMessage()), e);
        }
    }

    public Path socket() {
        return socket;
    }

    public String name() {
        return name;
    }

    /** Whether a stale socket of a killed Domus was removed to bind this one. */
    public boolean tookOverStale() {
        return tookOverStale;
    }

    /** Starts answering requests about {@code hv}, whose domains' files are under {@code runDir}. */
    public void serve(Hypervisor hv, Path runDir) {
        this.runDir = runDir;
        Thread.ofPlatform().daemon().name("control-" + name).start(() -> acceptLoop(hv));
    }

    private void acceptLoop(Hypervisor hv) {
        while (!closed) {
            try {
                SocketChannel client = channel.accept();
                Thread.ofVirtual().name("control-client").start(() -> serveClient(hv, client));
            } catch (IOException e) {
                if (!closed) {
                    hv.mux().event("control socket stopped: " + e.getMessage());
                }
                return;
            }
        }
    }

    private void serveClient(Hypervisor hv, SocketChannel client) {
        try (client) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(client));
            OutputStream out = Channels.newOutputStream(client);
            ControlJson.Request request;
            while ((request = ControlJson.readRequest(in)) != null) {
                if (request.text("op").equals("console") && request.number("v", -1) == ControlJson.VERSION) {
                    if (console(hv, request, client, in, out)) {
                        return; // the connection carried the console until the client detached
                    }
                    continue;
                }
                answer(hv, request, out);
            }
        } catch (IOException e) {
            // the client went away (or sent what is not JSON): nothing to answer
        }
    }

    private void answer(Hypervisor hv, ControlJson.Request request, OutputStream out) throws IOException {
        synchronized (this) {
            answering++;
        }
        try {
            answerNow(hv, request, out);
        } finally {
            synchronized (this) {
                answering--;
                notifyAll();
            }
        }
    }

    private void answerNow(Hypervisor hv, ControlJson.Request request, OutputStream out) throws IOException {
        if (request.number("v", -1) != ControlJson.VERSION) {
            ControlJson.error(out, "control protocol version %s is not spoken here (this Domus speaks %d): use the same domus for both"
                    .formatted(request.text("v", "none"), ControlJson.VERSION));
            return;
        }
        Object result;
        try {
            result = dispatch(hv, request);
        } catch (ControlException | EngineException | IllegalArgumentException e) {
            ControlJson.error(out, e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ControlJson.error(out, "interrupted");
            return;
        }
        ControlJson.ok(out, result);
    }

    private Object dispatch(Hypervisor hv, ControlJson.Request r) throws ControlException, EngineException, InterruptedException {
        String op = r.text("op");
        return switch (op) {
            case "system" -> new SystemInfo(name, ProcessHandle.current().pid(), String.valueOf(runDir),
                    socket.toString(), started.toString(), hv.domains().size(),
                    hv.store().map(s -> s.socket().toString()).orElse(""));
            case "init-dom0less" -> hv.store().orElseThrow(() -> new ControlException("system '%s' runs no xenstored".formatted(name)))
                    .initDom0less(hv.domains());
            case "list" -> hv.domains().stream().map(Domain::info).toList();
            case "info" -> domain(hv, r).info();
            case "pause" -> {
                Domain d = domain(hv, r);
                d.pause();
                yield d.info();
            }
            case "unpause" -> {
                Domain d = domain(hv, r);
                d.unpause();
                yield d.info();
            }
            case "shutdown", "reboot" -> {
                Domain d = domain(hv, r);
                Duration timeout = Duration.ofSeconds(r.number("timeout", 10));
                DomainHandle asked = op.equals("shutdown") ? d.shutdown(timeout)
                        : d.reboot(timeout, r.flag("force", false));
                if (r.flag("wait", false) && !d.awaitAfter(asked, timeout.plus(SETTLE))) {
                    throw new ControlException("%s has not settled %d s after the %s".formatted(d, timeout.plus(SETTLE).toSeconds(), op));
                }
                yield d.info();
            }
            case "destroy" -> {
                Domain d = domain(hv, r);
                if (d.state().isFinal()) {
                    throw new ControlException(d + " has already ended (" + d.state().name().toLowerCase(Locale.ROOT) + ")");
                }
                d.destroy();
                d.awaitFinal(SETTLE.toSeconds(), TimeUnit.SECONDS);
                yield d.info();
            }
            case "vcpu-list" -> {
                List<VcpuInfo> out = new ArrayList<>();
                for (Domain d : r.has("domain") ? List.of(domain(hv, r)) : hv.domains()) {
                    out.addAll(d.vcpus());
                }
                yield out;
            }
            case "vcpu-pin" -> {
                Domain d = domain(hv, r);
                String vcpu = r.text("vcpu");
                int v;
                try {
                    v = vcpu.equals("all") ? -1 : Integer.parseInt(vcpu);
                } catch (NumberFormatException e) {
                    throw new ControlException("'%s' is not a vCPU number (or all)".formatted(vcpu));
                }
                d.pin(v, hostSubset(r.text("cpus")));
                yield d.vcpus();
            }
            case "dmesg" -> hv.mux().events().events().stream()
                    .map(e -> new LogLine(e.time().toString(), e.text())).toList();
            default -> throw new ControlException("unknown request '%s'".formatted(op));
        };
    }

    /** A CPU list every CPU of which the host has (and Domus may use). */
    private static BitSet hostSubset(String text) throws ControlException {
        BitSet host = Hypervisor.hostCpus();
        BitSet cpus;
        try {
            cpus = CpuSet.parse(text, host);
        } catch (IllegalArgumentException e) {
            throw new ControlException(e.getMessage());
        }
        BitSet missing = (BitSet) cpus.clone();
        missing.andNot(host);
        if (!missing.isEmpty() || cpus.isEmpty()) {
            throw new ControlException("CPUs %s: this host has CPUs %s".formatted(
                    cpus.isEmpty() ? "none" : CpuSet.format(missing, new BitSet()), CpuSet.format(host, new BitSet())));
        }
        return cpus;
    }

    private static Domain domain(Hypervisor hv, ControlJson.Request r) throws ControlException {
        if (!r.has("domain")) {
            throw new ControlException("request '%s' names no domain".formatted(r.text("op")));
        }
        return hv.domain(r.text("domain"));
    }

    /**
     * Attaches the client to a domain's console: the answer says whether it holds input, then the replay and live
     * output flow to it, and what it sends goes to the guest (only from the one that holds input). The client
     * detaches by closing; the domain ending closes it from here. False when refused (the error is answered, and
     * the connection goes on carrying requests).
     */
    private boolean console(Hypervisor hv, ControlJson.Request r, SocketChannel client, InputStream in, OutputStream out) throws IOException {
        Domain d;
        try {
            d = domain(hv, r);
        } catch (ControlException e) {
            ControlJson.error(out, e.getMessage());
            return false;
        }
        // the viewer's sender owns the output from here: closing it ends output only, input may still be read
        OutputStream viewerOut = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                client.shutdownOutput();
            }
        };
        ConsoleHub hub = d.consoleHub();
        ConsoleHub.Viewer viewer;
        synchronized (hub) {
            viewer = d.state().isFinal() ? null : hub.attach(viewerOut, r.flag("input", true), "d" + d.id());
            if (viewer == null) {
                ControlJson.error(out, d + " has ended (" + d.state().name().toLowerCase(Locale.ROOT) + "): no console to attach to");
                return false;
            }
            ControlJson.ok(out, new ConsoleAttached(d.toString(), hub.isWriter(viewer)));
        }
        viewer.start();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (hub.isWriter(viewer)) {
                    OutputStream guest = d.consoleInput();
                    try {
                        guest.write(buf, 0, n);
                        guest.flush();
                    } catch (IOException e) {
                        // the engine domain is going (a restart): the keys are lost, as on a serial line
                    }
                }
            }
        } finally {
            hub.detach(viewer);
        }
        return true;
    }

    /**
     * Stops serving, lets the requests being answered finish (up to {@link #DRAIN}: the process exits next, and a
     * {@code destroy} of the last domain would otherwise lose its answer), and removes the socket file.
     */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing at exit
        }
        long deadline = System.nanoTime() + DRAIN.toNanos();
        synchronized (this) {
            long left;
            while (answering > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // a later boot finds it stale and removes it
        }
    }

    /** What {@code system} answers: which Domus this is; {@code xenstore} is its xenstored socket ("" if none). */
    public record SystemInfo(String name, long pid, String runDir, String socket, String started, int domains,
                             String xenstore) {
    }

    /** One event of {@code dmesg}. */
    public record LogLine(String time, String text) {
    }

    /** The answer to {@code console}: which domain, and whether this client's keys reach it. */
    public record ConsoleAttached(String domain, boolean input) {
    }
}
