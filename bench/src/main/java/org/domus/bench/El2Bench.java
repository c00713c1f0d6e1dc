package org.domus.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.domus.engine.DomainSpec;
import org.domus.engine.qemu.QemuDomain;
import org.domus.engine.qemu.QemuEngine;
import org.domus.engine.xen.GuestRam;
import org.domus.engine.xen.Hypercall;
import org.domus.engine.xen.Upcalls;
import org.domus.engine.xen.XenAbi;
import org.domus.engine.xen.XenGuest;
import org.domus.image.Arch;
import org.domus.payload.GuestPayload;

/**
 * The qemu engine's EL2 channel: null-hypercall round trip and host-to-guest upcall latency (with the bench kernel,
 * src/main/el2guest), then the idle CPU of a guest under the EL2 program against the same guest plain (Debian's
 * kernel idling in a shell), and their boot-to-READY with {@code quiet}. Prints one table; the machine's load
 * average is printed with it, since every number here moves with it.
 */
public final class El2Bench {
    private static final long MIB = 1024 * 1024;
    private static final long READY_TIMEOUT_S = 180;

    public static void main(String[] args) throws Exception {
        int nulls = 2000, rounds = 50, idleSeconds = 20, runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nulls" -> nulls = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--domus" -> i++;
                case "--help" -> {
                    System.out.println("usage: bench/run el2 [--nulls 2000] [--rounds 50] [--idle-seconds 20] [--runs 3]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        var engine = new QemuEngine();
        engine.unavailable(Arch.ARM64).ifPresent(p -> {
            throw new IllegalStateException(p);
        });
        Path work = Files.createTempDirectory("domus-bench-el2");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        System.out.printf("%-58s | %s%n", "measure", "result");
        channel(engine, work, nulls, rounds, idleSeconds);
        if (runs == 0) {
            row("load average before / after", loadBefore + " / " + Files.readString(Path.of("/proc/loadavg")).strip());
            return;
        }
        GuestPayload payload = GuestPayload.arm64();
        double[] plainIdle = new double[runs], el2Idle = new double[runs], plainBoot = new double[runs], el2Boot = new double[runs];
        for (int r = 0; r < runs; r++) {
            double[] p = linux(engine, work.resolve("plain" + r), payload, false, idleSeconds);
            double[] e = linux(engine, work.resolve("el2" + r), payload, true, idleSeconds);
            plainBoot[r] = p[0];
            plainIdle[r] = p[1];
            el2Boot[r] = e[0];
            el2Idle[r] = e[1];
        }
        row("idle CPU, Debian kernel plain (%% of a core, %d s)".formatted(idleSeconds), summary(plainIdle, "%.2f"));
        row("idle CPU, Debian kernel under EL2 (%% of a core, %d s)".formatted(idleSeconds), summary(el2Idle, "%.2f"));
        row("start to DOMUS-READY, plain, quiet (ms)", summary(plainBoot, "%.0f"));
        row("start to DOMUS-READY, under EL2, quiet (ms)", summary(el2Boot, "%.0f"));
        row("  ratio of medians", "%.2fx".formatted(median(el2Boot) / median(plainBoot)));
        row("load average before / after", loadBefore + " / " + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    /** The bench kernel: back-to-back null hypercalls, then upcall rounds, then idle. */
    private static void channel(QemuEngine engine, Path work, int nulls, int rounds, int idleSeconds) throws Exception {
        long[] nullAt = new long[nulls];
        long[] raisedAt = new long[rounds], arrivedAt = new long[rounds];
        var done = new CountDownLatch(1);
        ScheduledExecutorService raiser = Executors.newSingleThreadScheduledExecutor();
        var abi = new XenAbi() {
            volatile Upcalls upcalls;

            @Override
            public void attach(GuestRam ram, Upcalls u) {
                upcalls = u;
            }

            @Override
            public long hypercall(Hypercall c) {
                long t = System.nanoTime();
                int i = (int) c.a0();
                switch ((int) c.op()) {
                    case 0x7001 -> {
                        return nulls | ((long) rounds << 32);
                    }
                    case 0x7000 -> nullAt[i] = t;
                    case 0x7002 -> raiser.schedule(() -> {
                        raisedAt[i] = System.nanoTime();
                        upcalls.raise(0);
                    }, 3, TimeUnit.MILLISECONDS); // the guest is back in WFI by then
                    case 0x7003 -> arrivedAt[i] = t;
                    case 0x7004 -> done.countDown();
                    default -> {
                        return -38;
                    }
                }
                return 0;
            }
        };
        Path kernel = work.resolve("benchkernel.bin");
        try (InputStream in = El2Bench.class.getResourceAsStream("benchkernel.bin")) {
            Files.write(kernel, in.readAllBytes());
        }
        Path dir = work.resolve("channel");
        var spec = new DomainSpec("bk", Arch.ARM64, 128 * MIB, 1, kernel, null, null, dir, new XenGuest(abi, t -> t));
        try (QemuDomain d = engine.build(spec)) {
            d.start();
            if (!done.await(READY_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the bench kernel did not finish its rounds");
            }
            double[] rt = new double[nulls - 1];
            for (int i = 1; i < nulls; i++) {
                rt[i - 1] = (nullAt[i] - nullAt[i - 1]) / 1000.0;
            }
            row("null hypercall round trip, guest to Domus and back (us)", percentiles(rt));
            double[] up = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                up[i] = (arrivedAt[i] - raisedAt[i]) / 1000.0;
            }
            row("upcall: raise -> vINTID 31 in guest -> its next call (us)", percentiles(up));
            row("idle CPU, bench kernel in WFI under EL2 (% of a core)", "%.2f".formatted(cpuPercent(d.pid(), idleSeconds)));
        } finally {
            raiser.shutdownNow();
        }
    }

    /** Boots Debian's kernel idling in a shell; returns {start-to-READY ms, idle CPU %}. */
    private static double[] linux(QemuEngine engine, Path dir, GuestPayload payload, boolean el2, int idleSeconds) throws Exception {
        var abi = new XenAbi() {
            @Override
            public void attach(GuestRam ram, Upcalls upcalls) {
            }

            @Override
            public long hypercall(Hypercall call) {
                return -38;
            }
        };
        var spec = new DomainSpec("b", Arch.ARM64, 128 * MIB, 1, payload.kernel(), payload.initramfs(),
                "console=ttyAMA0 quiet domus.name=b domus.action=shell", dir, el2 ? new XenGuest(abi, t -> t) : null);
        try (QemuDomain d = engine.build(spec)) {
            var ready = new CountDownLatch(1);
            Thread.ofPlatform().daemon().start(() -> {
                try (var r = new BufferedReader(new InputStreamReader(d.console().output(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.contains("DOMUS-READY")) {
                            ready.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the domain is gone
                }
            });
            long t0 = System.nanoTime();
            d.start();
            if (!ready.await(READY_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no DOMUS-READY from " + (el2 ? "the guest under EL2" : "the plain guest"));
            }
            double bootMs = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(3000); // the shell settles
            return new double[] {bootMs, cpuPercent(d.pid(), idleSeconds)};
        }
    }

    /** utime + stime of the process over {@code seconds}, in % of one core. */
    private static double cpuPercent(long pid, int seconds) throws Exception {
        long before = cpuTicks(pid);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long ticks = cpuTicks(pid) - before;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return 100.0 * ticks / 100.0 / elapsed; // USER_HZ is 100 on Linux
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String percentiles(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return "p50 %.0f   p90 %.0f   p99 %.0f   (n=%d)".formatted(at(s, 0.5), at(s, 0.9), at(s, 0.99), s.length);
    }

    private static String summary(double[] v, String fmt) {
        double[] s = v.clone();
        Arrays.sort(s);
        return ("median " + fmt + "   min " + fmt + "   max " + fmt + "   (runs=%d)").formatted(median(s), s[0], s[s.length - 1], s.length);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return at(s, 0.5);
    }

    private static double at(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    private static void row(String what, String result) {
        System.out.printf("%-58s | %s%n", what, result);
    }
}
