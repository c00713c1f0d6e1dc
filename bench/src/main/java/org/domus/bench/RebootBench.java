package org.domus.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.ExampleSystem;
import org.domus.payload.GuestPayload;

/**
 * What the toolstack saves: bringing one domain of a running N-domain system back, against the dom0less way of
 * destroying and booting the whole system. One domain: {@code domus reboot --force dK} run as a user would (its JVM
 * start included), timed from the command's start to that domain's next DOMUS-READY line. Whole system: from SIGTERM
 * of {@code domus boot} (every domain destroyed, QEMU gone) through a new {@code domus boot} to the same domain's
 * READY line, and to the last domain's. The graceful {@code domus reboot} (power button, the guest powers itself off)
 * is timed too. Every guest prints ticks forever, so the system is busy as a real one is.
 */
public final class RebootBench {
    private static final long TIMEOUT_S = 300;

    /** A running {@code domus boot}, its output lines queued with their arrival time. */
    record Booted(Process process, LinkedBlockingQueue<String> lines, long startNanos) {
    }

    public static void main(String[] args) throws Exception {
        int n = 3;
        int runs = 3;
        Path domus = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--domains" -> n = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--domus" -> domus = Path.of(args[++i]);
                case "--help" -> {
                    System.out.println("usage: bench/run reboot [--domains 3] [--runs 3]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        GuestPayload guest = GuestPayload.arm64();
        Path work = Files.createTempDirectory("domus-bench-reboot");
        Files.copy(guest.kernel(), work.resolve("Image"));
        Files.copy(guest.initramfs(), work.resolve("initramfs.cpio.gz"));
        List<ExampleSystem.Domain> domains = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            domains.add(new ExampleSystem.Domain("domU" + i, 128, 1, "console=ttyAMA0 quiet domus.name=domU" + i + " domus.action=loop"));
        }
        Path system = work.resolve("system.dts");
        Files.writeString(system, ExampleSystem.source("", domains, "Image", "initramfs.cpio.gz"));
        String name = "bench-reboot-" + ProcessHandle.current().pid();
        int target = (n + 1) / 2;
        String ready = "(d" + target + ") DOMUS-READY ";

        double[] one = new double[runs];
        double[] graceful = new double[runs];
        double[] wholeSame = new double[runs];
        double[] wholeAll = new double[runs];
        Booted sys = boot(domus, system, name, work, 0);
        awaitReady(sys, n, null);
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            Process reboot = new ProcessBuilder(domus.toString(), "reboot", "--force", "--name", name, "d" + target)
                    .redirectErrorStream(true).start();
            awaitLine(sys, ready);
            one[r] = (System.nanoTime() - t0) / 1e6;
            reboot.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
            Thread.sleep(1000); // let it settle into ticking
            // the loop action answers the power button: the guest powers off, then it is built again
            t0 = System.nanoTime();
            reboot = new ProcessBuilder(domus.toString(), "reboot", "--name", name, "d" + target).redirectErrorStream(true).start();
            awaitLine(sys, ready);
            graceful[r] = (System.nanoTime() - t0) / 1e6;
            reboot.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
            Thread.sleep(1000);
        }
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            sys.process().destroy();   // SIGTERM: every domain destroyed before Domus exits
            sys.process().waitFor(TIMEOUT_S, TimeUnit.SECONDS);
            sys = boot(domus, system, name, work, r + 1);
            double[] times = awaitReady(sys, n, ready);
            wholeSame[r] = (times[0] - t0) / 1e6;
            wholeAll[r] = (times[1] - t0) / 1e6;
        }
        sys.process().destroy();
        sys.process().waitFor(TIMEOUT_S, TimeUnit.SECONDS);

        System.out.printf("%d domains of Debian Arm64 under QEMU TCG, each ticking every 200 ms; d%d brought back, median of %d%n", n, target, runs);
        System.out.printf("%-58s %10s%n", "", "to READY");
        System.out.printf("%-58s %8.0fms%n", "domus reboot --force d" + target + " (one domain, others keep running)", median(one));
        System.out.printf("%-58s %8.0fms%n", "domus reboot d" + target + " (power button; the guest powers off)", median(graceful));
        System.out.printf("%-58s %8.0fms%n", "destroy + boot the whole system: d" + target + " READY", median(wholeSame));
        System.out.printf("%-58s %8.0fms%n", "destroy + boot the whole system: every domain READY", median(wholeAll));
        System.out.printf("runs: one domain %s ms; whole system %s ms%n", Arrays.toString(round(one)), Arrays.toString(round(wholeAll)));
    }

    private static Booted boot(Path domus, Path system, String name, Path work, int run) throws IOException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(domus.toString(), "boot", system.toString(), "--name", name, "--run-dir",
                work.resolve("run-" + run).toString()).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(System.nanoTime() + " " + l);
                }
            } catch (IOException e) {
                // gone
            }
        });
        return new Booted(p, lines, start);
    }

    /** Waits for n READY lines; returns when {@code which}'s came and when the last did. */
    private static double[] awaitReady(Booted sys, int n, String which) throws InterruptedException {
        double[] at = {-1, -1};
        int seen = 0;
        while (seen < n) {
            String l = next(sys);
            long t = Long.parseLong(l.substring(0, l.indexOf(' ')));
            String text = l.substring(l.indexOf(' ') + 1);
            if (text.contains(") DOMUS-READY ")) {
                seen++;
                if (which != null && text.startsWith(which)) {
                    at[0] = t;
                }
                at[1] = t;
            }
        }
        return at;
    }

    private static void awaitLine(Booted sys, String prefix) throws InterruptedException {
        while (true) {
            String l = next(sys);
            if (l.substring(l.indexOf(' ') + 1).startsWith(prefix)) {
                return;
            }
        }
    }

    private static String next(Booted sys) throws InterruptedException {
        String l = sys.lines().poll(TIMEOUT_S, TimeUnit.SECONDS);
        if (l == null) {
            sys.process().destroyForcibly();
            throw new IllegalStateException("no output from domus boot for " + TIMEOUT_S + " s");
        }
        return l;
    }

    private static long[] round(double[] v) {
        return Arrays.stream(v).mapToLong(Math::round).toArray();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
