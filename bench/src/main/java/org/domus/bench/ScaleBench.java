package org.domus.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.domus.dom0less.ExampleSystem;
import org.domus.payload.GuestPayload;

/**
 * What Domus itself costs to hold N running domains: its resident memory and its CPU time while every guest is idle,
 * for N = 1, 4, 16 domains of 64 MiB booted by one {@code domus boot} (through the {@code domus} launcher, as a user
 * runs it). Only the Domus JVM is measured, from {@code /proc/<pid>/status} (VmRSS, VmHWM) and {@code /proc/<pid>/stat}
 * (utime + stime); QEMU's processes are its children and count for nothing here. The guests run the payload's
 * {@code idle} action: after their READY line they sleep for good, so whatever Domus does in the window is its own
 * doing (a poll, a timer), not work a guest gave it. The host's own load in the same window is printed beside it:
 * other tenants make Domus's wall times slower, not its CPU time larger.
 */
public final class ScaleBench {
    private static final long READY_TIMEOUT_S = 600;
    private static final int MIB = 64;
    private static final long SETTLE_MS = 5_000;

    /** One boot: times in ms, CPU in clock ticks turned to ms, memory in KiB. */
    record Run(double readyMs, double bootCpuMs, long rssKib, long hwmKib, double idleCpuMs, double idleSeconds,
               double hostBusyCores, int consoleLines, Map<String, Double> busyThreads) {
        double idleCorePercent() {
            return idleCpuMs / (idleSeconds * 1000) * 100;
        }
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = {1, 4, 16};
        int runs = 3;
        int idleSeconds = 30;
        Path domus = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
                case "--domus" -> domus = Path.of(args[++i]);
                case "--help" -> {
                    System.out.println("usage: bench/run scale [--sizes 1,4,16] [--runs 3] [--idle-seconds 30]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        GuestPayload guest = GuestPayload.arm64();
        Path work = Files.createTempDirectory("domus-bench-scale");
        Files.copy(guest.kernel(), work.resolve("Image"));
        Files.copy(guest.initramfs(), work.resolve("initramfs.cpio.gz"));
        long ticksPerSecond = clockTicks();
        // the launcher builds and trains its start-up cache when sources changed: not in a measured run
        new ProcessBuilder(domus.toString(), "--version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        System.out.printf("%3s | %9s %10s | %9s %9s %9s | %10s %8s %10s %9s | %10s%n", "N", "READY", "CPU to it",
                "RSS idle", "peak RSS", "target", "idle CPU", "of core", "per domain", "target", "host busy");
        Map<Integer, List<Run>> all = new TreeMap<>();
        for (int n : sizes) {
            Path system = work.resolve("system-" + n + ".dts");
            Files.writeString(system, system(n));
            List<Run> done = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                done.add(measure(domus, system, n, work.resolve("run-" + n + "-" + r), idleSeconds, ticksPerSecond));
            }
            all.put(n, done);
            double idle = max(done, Run::idleCorePercent);
            long hwm = done.stream().mapToLong(Run::hwmKib).max().orElse(0);
            System.out.printf("%3d | %7.1f s %7.0f ms | %5.1f MiB %5.1f MiB %5d MiB | %7.0f ms %7.2f%% %9.3f%% %8.1f%% | %5.2f cores%n",
                    n, median(done, Run::readyMs) / 1000, median(done, Run::bootCpuMs), median(done, Run::rssKib) / 1024.0,
                    hwm / 1024.0, 64 + n, max(done, Run::idleCpuMs), idle, idle / n, 0.5 * n, median(done, Run::hostBusyCores));
            System.out.flush();
        }
        System.out.printf("%d domains of %d MiB, one vCPU, Debian Arm64 under QEMU TCG, the payload's idle action; %d runs each.%n",
                sizes[sizes.length - 1], MIB, runs);
        System.out.println("READY: from the command's start to the last domain's READY line (median); CPU to it: Domus's utime+stime");
        System.out.println("by then. RSS idle: VmRSS at the end of the idle window (median); peak RSS: VmHWM, the most of any run.");
        System.out.printf("idle CPU: Domus's utime+stime over %d s with every guest idle, %d s after the last READY, the most of any run%n",
                idleSeconds, SETTLE_MS / 1000);
        System.out.printf("(clock ticks of %d ms). host busy: the whole machine's busy CPUs over that window (median), other tenants included.%n",
                1000 / ticksPerSecond);
        System.out.println("Targets: RSS under 64 MiB + 1 MiB per domain; idle CPU under 0.5 % of a core per domain.");
        all.forEach((n, done) -> {
            for (int r = 0; r < done.size(); r++) {
                Run run = done.get(r);
                if (run.consoleLines() > 0 || !run.busyThreads().isEmpty()) {
                    System.out.printf("N=%d run %d: %d console lines in the window; threads that ran (ms): %s%n", n, r + 1,
                            run.consoleLines(), run.busyThreads());
                }
            }
        });
    }

    /** N domains of 64 MiB and one vCPU each that idle after READY; {@code cma=0}: the kernel's CMA would be the whole domain. */
    static String system(int n) {
        List<ExampleSystem.Domain> domains = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            domains.add(new ExampleSystem.Domain("domU" + i, MIB, 1,
                    "console=ttyAMA0 quiet cma=0 domus.name=domU" + i + " domus.action=idle"));
        }
        return ExampleSystem.source("", domains, "Image", "initramfs.cpio.gz");
    }

    private static Run measure(Path domus, Path system, int n, Path runDir, int idleSeconds, long ticksPerSecond)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        String name = "bench-scale-" + ProcessHandle.current().pid() + "-" + n;
        // the launcher execs the JVM: the process started here is Domus itself once it prints
        Process p = new ProcessBuilder(domus.toString(), "boot", system.toString(), "--name", name, "--run-dir", runDir.toString())
                .redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // gone
            }
        });
        List<String> seen = new ArrayList<>();
        List<ProcessHandle> qemus = List.of();
        try {
            int ready = 0;
            long deadline = start + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_S);
            while (ready < n) {
                String l = lines.poll(1, TimeUnit.SECONDS);
                if (l == null) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("%d of %d READY lines; output:%n%s".formatted(ready, n, String.join("\n", seen)));
                    }
                    continue;
                }
                seen.add(l);
                if (l.contains(") DOMUS-READY ")) {
                    ready++;
                }
            }
            double readyMs = (System.nanoTime() - start) / 1e6;
            long pid = p.pid();
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            if (!cmdline.contains("org.domus.cli")) {
                throw new IllegalStateException("process " + pid + " is not the Domus JVM: " + cmdline);
            }
            double bootCpuMs = cpuTicks(pid) * 1000.0 / ticksPerSecond;
            qemus = p.descendants().filter(q -> q.info().command().orElse("").contains("qemu-system")).toList();
            if (qemus.size() != n) {
                throw new IllegalStateException(qemus.size() + " QEMU processes running, not " + n);
            }
            Thread.sleep(SETTLE_MS);
            int linesBefore = seen.size() + lines.size();
            Map<String, Long> threadsBefore = threadTicks(pid);
            long[] hostBefore = hostCpu();
            long before = cpuTicks(pid);
            long t0 = System.nanoTime();
            Thread.sleep(idleSeconds * 1000L);
            long after = cpuTicks(pid);
            double window = (System.nanoTime() - t0) / 1e9;
            long[] hostAfter = hostCpu();
            Map<String, Long> threadsAfter = threadTicks(pid);
            long rss = statusKib(pid, "VmRSS:");
            long hwm = statusKib(pid, "VmHWM:");
            lines.drainTo(seen);
            Map<String, Double> busy = new TreeMap<>();
            long inLive = 0;
            for (var t : threadsAfter.entrySet()) {
                long d = t.getValue() - threadsBefore.getOrDefault(t.getKey(), 0L);
                inLive += d;
                if (d > 0) {
                    busy.merge(threadName(t.getKey()), d * 1000.0 / ticksPerSecond, Double::sum);
                }
            }
            // a thread that ended in the window (an idle pool thread retiring) took its last ticks with it
            long ended = threadsBefore.keySet().stream().filter(t -> !threadsAfter.containsKey(t)).count();
            long elsewhere = (after - before) - inLive;
            if (elsewhere > 0 || ended > 0) {
                busy.put("threads that ended (" + ended + ") or came and went", elsewhere * 1000.0 / ticksPerSecond);
            }
            double hostBusy = (double) ((hostAfter[0] - hostBefore[0]) - (hostAfter[1] - hostBefore[1]))
                    / ticksPerSecond / window;
            return new Run(readyMs, bootCpuMs, rss, hwm, (after - before) * 1000.0 / ticksPerSecond, window, hostBusy,
                    seen.size() - linesBefore, busy);
        } finally {
            p.destroy(); // SIGTERM: Domus destroys every domain, then exits
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            qemus.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** "1234 ForkJoinPool-1-" to "ForkJoinPool": threads of one kind together (Linux cuts names at 15 characters). */
    private static String threadName(String key) {
        return key.substring(key.indexOf(' ') + 1).replaceAll("[-\\d]+$", "");
    }

    /** utime + stime of the whole process (every thread, live and ended), in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        return statTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** Fields 14 and 15 of a stat line, counted after the command name, which may hold spaces and parentheses. */
    private static long statTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Each live thread's utime + stime, keyed "tid name". */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    ticks.put(task.getFileName() + " " + comm, statTicks(stat));
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return ticks;
    }

    /** The host's total and idle (idle + iowait) CPU time in clock ticks, from /proc/stat. */
    private static long[] hostCpu() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) { // user … steal; guest time is already in user
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }

    private static long statusKib(long pid, String key) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith(key)) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no " + key + " in /proc/" + pid + "/status");
    }

    private static long clockTicks() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        getconf.waitFor();
        return Long.parseLong(out);
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        double[] s = runs.stream().mapToDouble(f).sorted().toArray();
        return s[s.length / 2];
    }

    private static double max(List<Run> runs, ToDoubleFunction<Run> f) {
        return runs.stream().mapToDouble(f).max().orElse(0);
    }
}
