package org.domus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.domus.xenstore.XenstoreClient;
import org.domus.xenstore.XenstoreServer;

/**
 * Read and write operations per second over the Unix socket, for 1 and several clients, each a connection of
 * its own doing one request at a time (as libxenstore does). Domus's xenstored runs in this JVM; Debian's C
 * xenstored (package xen-utils-4.17, {@code --xenstored BIN}) is started and measured the same way when it
 * can serve here, and the table says why not when it cannot.
 */
public final class XenstoreBench {
    private static final int KEYS = 64;

    record Options(int[] clients, double seconds, Path xenstored, Path against) {
        static Options parse(String[] args) {
            int[] clients = {1, 2, 4, 8};
            double seconds = 3;
            Path xenstored = firstExisting("/usr/lib/xen-4.17/bin/xenstored", "/usr/sbin/xenstored");
            Path against = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--clients" -> clients = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    case "--xenstored" -> xenstored = Path.of(args[++i]);
                    case "--against" -> against = Path.of(args[++i]);
                    case "--domus" -> i++;   // bench/run passes the launcher to every benchmark
                    case "--help" -> {
                        System.out.println("usage: bench/run xenstore [--clients 1,2,4,8] [--seconds 3]"
                            + " [--xenstored /usr/lib/xen-4.17/bin/xenstored] [--against SOCKET]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(clients, seconds, xenstored, against);
        }

        private static Path firstExisting(String... candidates) {
            for (String c : candidates) {
                if (Files.isExecutable(Path.of(c))) {
                    return Path.of(c);
                }
            }
            return null;
        }
    }

    enum Op { READ, WRITE }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        Path work = Files.createTempDirectory("domus-bench-xs");
        System.out.printf("%-22s %8s %14s %14s %12s %12s%n", "server", "clients", "read ops/s", "write ops/s",
            "read µs/op", "write µs/op");
        try (XenstoreServer server = XenstoreServer.start(work.resolve("domus.sock"))) {
            measure("Domus (Java)", server.socket(), opt);
        }
        if (opt.against() != null) {
            measure("--against", opt.against(), opt);
        }
        String why = cXenstored(opt, work);
        if (why != null) {
            System.out.println("C xenstored: not measured: " + why);
        }
    }

    private static void measure(String name, Path socket, Options opt) throws Exception {
        try (XenstoreClient setup = XenstoreClient.connect(socket)) {
            for (int k = 0; k < KEYS; k++) {
                setup.write("/bench/shared/k" + k, "value-" + k);
            }
        }
        run(socket, Op.READ, 1, 1.0);   // warm-up: JIT for both paths
        run(socket, Op.WRITE, 1, 1.0);
        for (int n : opt.clients()) {
            double reads = run(socket, Op.READ, n, opt.seconds());
            double writes = run(socket, Op.WRITE, n, opt.seconds());
            System.out.printf("%-22s %8d %,14.0f %,14.0f %12.1f %12.1f%n", name, n, reads, writes,
                n * 1e6 / reads, n * 1e6 / writes);
        }
    }

    /** Operations per second of {@code n} clients doing {@code op} back to back for {@code seconds}. */
    private static double run(Path socket, Op op, int n, double seconds) throws Exception {
        LongAdder done = new LongAdder();
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < n; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().start(() -> {
                try (XenstoreClient x = XenstoreClient.connect(socket)) {
                    ready.countDown();
                    go.await();
                    long end = window[1];
                    for (long i = 0; System.nanoTime() < end; i++) {
                        int k = (int) (i % KEYS);
                        if (op == Op.READ) {
                            x.read("/bench/shared/k" + k);
                        } else {
                            x.write("/bench/c" + client + "/k" + k, "value-" + i);
                        }
                        done.increment();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                    ready.countDown();
                }
            }));
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + (long) (seconds * 1e9);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client failed", failures.getFirst());
        }
        return done.sum() / ((System.nanoTime() - window[0]) / 1e9);
    }

    /** Starts the C xenstored on a socket of its own and measures it; returns why not when it cannot serve. */
    private static String cXenstored(Options opt, Path work) throws Exception {
        if (opt.xenstored() == null) {
            return "no xenstored binary (Debian ships it in xen-utils-4.17; give --xenstored BIN)";
        }
        Path rundir = Files.createDirectories(work.resolve("c-xenstored"));
        Path socket = rundir.resolve("socket");
        // -N: no fork; -D: no dom0 initialisation (without it, it exits at once: no hypervisor to open).
        ProcessBuilder pb = new ProcessBuilder(opt.xenstored().toString(), "-N", "-D")
            .redirectErrorStream(true).redirectOutput(rundir.resolve("log").toFile());
        pb.environment().put("XENSTORED_RUNDIR", rundir.toString());
        Process p = pb.start();
        try {
            for (int i = 0; i < 50 && !Files.exists(socket) && p.isAlive(); i++) {
                Thread.sleep(100);
            }
            if (!p.isAlive() || !Files.exists(socket)) {
                return "it exited (" + (p.isAlive() ? "no socket" : "status " + p.exitValue()) + "): "
                    + Files.readString(rundir.resolve("log")).strip();
            }
            try (XenstoreClient probe = XenstoreClient.connect(socket)) {
                probe.read("/");
            } catch (IOException e) {
                p.waitFor(2, TimeUnit.SECONDS);
                String status = p.isAlive() ? "still running" : "exit status " + p.exitValue()
                    + (p.exitValue() == 139 || p.exitValue() == 11 ? " (SIGSEGV)" : "");
                return "it listens with -D but drops the first request (" + status + "): without a hypervisor"
                    + " it has no dom0 domain for the socket connection to account to";
            }
            measure("C xenstored", socket, opt);
            return null;
        } finally {
            p.destroyForcibly();
        }
    }
}
