package org.domus.hypervisor;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;


import org.domus.dom0less.Cpupool;
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
    /** Holds the system's name (see {@link #bind}); closed last. */
    private final FileChannel lock;
    private final ServerSocketChannel channel;
    private final boolean tookOverStale;
    private final Instant started = Instant.now();
    private volatile Path runDir;
    private volatile boolean closed;
    /** Requests being answered; guarded by {@code this}. */
    private int answering;

    private ControlServer(String name, Path socket, ServerSocketChannel channel, boolean tookOverStale, FileChannel lock) {
        this.lock = lock;
        this.name = name;
        this.socket = socket;
        this.channel = channel;
        this.tookOverStale = tookOverStale;
    }

    /**
     * Claims the socket of system {@code name}, owner-only (0600). The name is first held by a lock on {@code
     * NAME.lock} for the system's life (the kernel lets it go when the process dies, even by kill -9), so of two
     * boots of one name at the same instant exactly one goes on, and a stale socket is only ever removed by the
     * holder: two boots finding it stale at once can no longer remove each other's live socket.
     */
    public static ControlServer bind(String name) throws ControlException {
        Path socket = ControlPaths.socket(name);
        boolean stale = false;
        FileChannel lock = null;
        try {
            ControlPaths.createDirectory();
            // never deleted: a holder removing it while another process has it open would let two hold the name
            lock = FileChannel.open(socket.resolveSibling(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            boolean held;
            try {
                held = lock.tryLock() != null;
            } catch (OverlappingFileLockException e) {
                held = false; // held by this very process (a second system of the name in one JVM)
            }
            if (!held) {
                lock.close();
                throw new ControlException("a system named '%s' is already running (socket %s): give this one another --name"
                        .formatted(name, socket));
            }
            if (Files.exists(socket)) {
                if (SocketProbe.answers(socket)) {
                    throw new ControlException("a system named '%s' is already running (socket %s): give this one another --name"
                            .formatted(name, socket));
                }
                Files.deleteIfExists(socket); // left by a Domus that was killed: nobody listens on it
                stale = true;
            }
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(name, socket, ch, stale, lock);
        } catch (IOException | ControlException | RuntimeException e) {
            if (lock != null) {
                try {
                    lock.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            if (e instanceof ControlException c) {
                throw c;
            }
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

    /**
     * Answers the client's requests in turn, each with one line, until it closes: a line that is no request of this
     * protocol is answered with what is wrong with it, and the next line is read as the next request (as QMP does).
     * Only an over-long line ends the connection, as what follows it cannot be framed.
     */
    private void serveClient(Hypervisor hv, SocketChannel client) {
        try (client) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(client));
            OutputStream out = Channels.newOutputStream(client);
            while (true) {
                byte[] line;
                try {
                    line = ControlCodec.readLine(in);
                } catch (ControlCodec.LineTooLong e) {
                    send(out, ControlCodec.encodeError(e.getMessage() + ": closing the connection"));
                    return;
                }
                if (line == null) {
                    return;
                }
                ControlRequest<?> request;
                try {
                    request = ControlCodec.decodeRequest(line);
                } catch (ControlCodec.Malformed e) {
                    send(out, ControlCodec.encodeError(e.getMessage()));
                    continue;
                }
                if (request instanceof ControlRequest.Console console) {
                    if (console(hv, console, client, in, out)) {
                        return; // the connection carried the console until the client detached
                    }
                    continue;
                }
                answer(hv, request, out);
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static void send(OutputStream out, byte[] line) throws IOException {
        out.write(line);
        out.flush();
    }

    private void answer(Hypervisor hv, ControlRequest<?> request, OutputStream out) throws IOException {
        synchronized (this) {
            answering++;
        }
        try {
            send(out, answerNow(hv, request));
        } finally {
            synchronized (this) {
                answering--;
                notifyAll();
            }
        }
    }

    private byte[] answerNow(Hypervisor hv, ControlRequest<?> request) {
        try {
            return ControlCodec.encodeReply(dispatch(hv, request));
        } catch (ControlException | EngineException | IllegalArgumentException e) {
            return ControlCodec.encodeError(e.getMessage() != null ? e.getMessage() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ControlCodec.encodeError("interrupted");
        } catch (RuntimeException e) {
            // a bug of ours: the client still gets its one line, the system its event, and the connection goes on
            hv.mux().event("internal error answering %s: %s".formatted(request.op(), e));
            return ControlCodec.encodeError("internal error answering %s: %s (see domus dmesg)".formatted(request.op(), e));
        }
    }

    /** What {@code request} does, through the hypervisor's and its domains' own API. */
    private ControlReply dispatch(Hypervisor hv, ControlRequest<?> request) throws ControlException, EngineException, InterruptedException {
        return switch (request) {
            case ControlRequest.SystemQuery q -> new ControlReply.SystemInfo(name, ProcessHandle.current().pid(),
                    String.valueOf(runDir), socket.toString(), started.toString(), hv.domains().size(),
                    hv.store().map(s -> s.socket().toString()).orElse(""));
            case ControlRequest.ListDomains l -> new ControlReply.Domains(hv.domains().stream()
                    .filter(d -> l.all() || d.state().isListed()).map(Domain::info).toList());
            case ControlRequest.Info r -> new ControlReply.OneDomain(hv.domain(r.domain()).info());
            case ControlRequest.Pause r -> {
                Domain d = hv.domain(r.domain());
                d.pause();
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.Unpause r -> {
                Domain d = hv.domain(r.domain());
                d.unpause();
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.Shutdown r -> {
                Domain d = hv.domain(r.domain());
                DomainHandle asked = d.shutdown(r.timeout());
                if (r.await()) {
                    settle(d, asked, r.timeout(), r.op());
                }
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.Reboot r -> {
                Domain d = hv.domain(r.domain());
                DomainHandle asked = d.reboot(r.timeout(), r.force());
                if (r.await()) {
                    settle(d, asked, r.timeout(), r.op());
                }
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.Destroy r -> {
                Domain d = hv.domain(r.domain());
                if (!d.destroy()) {
                    throw new ControlException(d + " has already ended (" + d.state().name().toLowerCase(Locale.ROOT) + ")");
                }
                d.awaitFinal(SETTLE.toSeconds(), TimeUnit.SECONDS);
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.Create r -> {
                Domain d = hv.domain(r.domain());
                d.create();
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.Sysrq r -> {
                Domain d = hv.domain(r.domain());
                d.sysrq(r.key().charAt(0));
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.MemSet r -> {
                Domain d = hv.domain(r.domain());
                d.memSet(r.targetKib());
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.VcpuSet r -> {
                Domain d = hv.domain(r.domain());
                d.vcpuSet(r.vcpus());
                yield new ControlReply.OneDomain(d.info());
            }
            case ControlRequest.VcpuList r -> {
                List<VcpuInfo> out = new ArrayList<>();
                for (Domain d : r.domain() != null ? List.of(hv.domain(r.domain())) : hv.domains()) {
                    out.addAll(d.vcpus());
                }
                yield new ControlReply.Vcpus(out);
            }
            case ControlRequest.VcpuPin r -> {
                Domain d = hv.domain(r.domain());
                d.pin(r.vcpu(), hostSubset(r.cpus()));
                yield new ControlReply.Vcpus(d.vcpus());
            }
            case ControlRequest.CpupoolList r -> new ControlReply.Cpupools(cpupools(hv, r.pool()));
            case ControlRequest.Dmesg r -> new ControlReply.Events(hv.mux().events().events().stream()
                    .map(e -> new ControlReply.LogLine(e.time().toString(), e.text())).toList());
            case ControlRequest.InitDom0less r -> new ControlReply.Dom0lessInit(hv.store()
                    .orElseThrow(() -> new ControlException("system '%s' runs no xenstored".formatted(name))).initDom0less(hv.domains()));
            case ControlRequest.Console r -> throw new IllegalStateException("console requests are served apart: " + r);
        };
    }

    /** Waits after a shutdown or reboot until the domain has settled (ended, or running on a new engine domain). */
    private static void settle(Domain d, DomainHandle asked, Duration timeout, String op) throws ControlException, InterruptedException {
        Duration max = timeout.plus(SETTLE);
        if (!d.awaitAfter(asked, max)) {
            throw new ControlException("%s has not settled %d s after the %s".formatted(d, max.toSeconds(), op));
        }
    }

    /**
     * Every pool, or the one named {@code pool}: by its name (Pool-N, as xl names boot pools), its node's name or its
     * node's path. Its domains are those that exist, as xl counts them.
     */
    private static List<CpupoolInfo> cpupools(Hypervisor hv, String pool) throws ControlException {
        List<CpupoolInfo> out = new ArrayList<>();
        for (CpuPool p : hv.pools()) {
            Cpupool c = p.config();
            String node = c.path() == null ? "" : c.path();
            String nodeName = node.substring(node.lastIndexOf('/') + 1);
            if (pool != null && !pool.equals(c.name()) && !(!node.isEmpty() && (pool.equals(node) || pool.equals(nodeName)))) {
                continue;
            }
            int domains = (int) hv.domains().stream().filter(d -> d.pool().config().id() == c.id() && d.state().isListed())
                    .count();
            out.add(new CpupoolInfo(c.id(), c.name(), node, c.cpus().stream().boxed().toList(), c.scheduler(), domains));
        }
        if (out.isEmpty() && pool != null) {
            throw new ControlException("no cpupool '%s' (there %s %s)".formatted(ControlCodec.shown(pool),
                    hv.pools().size() == 1 ? "is" : "are",
                    String.join(", ", hv.pools().stream().map(p -> p.config().name()).toList())));
        }
        return out;
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

    /**
     * Attaches the client to a domain's console: the answer says whether it holds input, then the replay and live
     * output flow to it, and what it sends goes to the guest (only from the one that holds input). The client
     * detaches by closing; the domain ending closes it from here. False when refused (the error is answered, and
     * the connection goes on carrying requests).
     */
    private boolean console(Hypervisor hv, ControlRequest.Console r, SocketChannel client, InputStream in, OutputStream out)
            throws IOException {
        Domain d;
        try {
            d = hv.domain(r.domain());
        } catch (ControlException e) {
            send(out, ControlCodec.encodeError(e.getMessage()));
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
            viewer = d.state().isFinal() ? null : hub.attach(viewerOut, r.input(), "d" + d.id());
            if (viewer == null) {
                send(out, ControlCodec.encodeError(d + " has ended (" + d.state().name().toLowerCase(Locale.ROOT) + "): no console to attach to"));
                return false;
            }
            send(out, ControlCodec.encodeReply(new ControlReply.ConsoleAttached(d.toString(), hub.isWriter(viewer))));
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
        try {
            lock.close(); // the name is free once the socket is gone
        } catch (IOException e) {
            // the process exits next, which lets the lock go
        }
    }
}
