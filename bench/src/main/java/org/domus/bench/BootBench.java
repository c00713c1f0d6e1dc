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
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import org.domus.dom0less.ExampleSystem;
import org.domus.payload.GuestPayload;

/**
 * Time from command start to every domain's DOMUS-READY line, for N domains booted by {@code domus boot} and by
 * a shell script that starts the same QEMU command lines in parallel (the floor Domus adds orchestration to);
 * also Domus's own start-up (command start to its first event, just before it builds the domains) and its peak
 * resident memory (the JVM alone: QEMU processes are separate). Prints one table.
 */
public final class BootBench {
    private static final String QEMU = "qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -accel tcg,thread=multi "
            + "-nodefaults -no-user-config -display none -m 128M -smp 1 -no-reboot";

    /** One boot: {@code qemuMs} is when Domus began starting its first QEMU (0 for the shell, which starts them at once). */
    record Run(double lastReadyMs, double startupMs, double qemuMs, long peakRssKib) {
        double qemuToReadyMs() {
            return lastReadyMs - qemuMs;
        }
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = {1, 2, 4};
        int runs = 9;
        Path domus = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--domus" -> domus = Path.of(args[++i]);
                case "--help" -> {
                    System.out.println("usage: bench/boot [--sizes 1,2,4] [--runs 9]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        GuestPayload guest = GuestPayload.arm64();
        Path work = Files.createTempDirectory("domus-bench-boot");
        Files.copy(guest.kernel(), work.resolve("Image"));
        Files.copy(guest.initramfs(), work.resolve("initramfs.cpio.gz"));
        System.out.printf("%3s | %9s %9s %9s %9s | %11s | %9s %9s | %8s %8s | %10s %9s%n", "N", "bare", "Domus",
                "overhead", "paired", "bare again", "to QEMU", "its share", "bare", "Domus", "start-up", "peak RSS");
        for (int n : sizes) {
            Path system = work.resolve("system-" + n + ".dts");
            Files.writeString(system, system(n));
            Path script = work.resolve("bare-" + n + ".sh");
            Files.writeString(script, bareScript(n));
            List<Run> bare = new ArrayList<>();
            List<Run> ours = new ArrayList<>();
            List<Run> again = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                bare.add(measure(List.of("bash", script.toString()), n, work, false));
                ours.add(measure(List.of(domus.toString(), "boot", system.toString(), "--run-dir",
                        work.resolve("run-" + n + "-" + r).toString()), n, work, true));
                // the control: the same bare boot once more, measured as Domus is; what it "adds" is the noise
                again.add(measure(List.of("bash", script.toString()), n, work, false));
            }
            double b = median(bare, Run::lastReadyMs);
            double d = median(ours, Run::lastReadyMs);
            double toQemu = median(ours, Run::qemuMs);
            System.out.printf("%3d | %7.0fms %7.0fms %8.1f%% %8.1f%% | %10.1f%% | %7.0fms %8.1f%% | %6.0fms %6.0fms | %8.0fms %5.1f MiB%n",
                    n, b, d, (d / b - 1) * 100, pairedOverhead(bare, ours), pairedOverhead(bare, again),
                    toQemu, toQemu / b * 100, median(bare, Run::qemuToReadyMs), median(ours, Run::qemuToReadyMs),
                    median(ours, Run::startupMs), ours.stream().mapToLong(Run::peakRssKib).max().orElse(0) / 1024.0);
            System.out.flush();
        }
        System.out.println("Times: medians of " + runs + " rounds of bare, Domus, bare again, from command start to the last domain's");
        System.out.println("DOMUS-READY line; same kernel, initramfs and QEMU options. paired: the median of each Domus run over the");
        System.out.println("bare run just before it. bare again: the same for the second bare run, the noise floor of this machine.");
        System.out.println("to QEMU: from Domus's start until it starts its first QEMU (JVM, command line, validation, sockets), and");
        System.out.println("its share of the bare time, what Domus itself adds. QEMU to READY: medians from QEMU's start.");
        System.out.println("Targets: overhead within 10 %, start-up under 300 ms, peak RSS under 64 MiB.");
    }

    /** N domains, 128 MiB and one vCPU each, modules as files next to the tree. */
    static String system(int n) {
        List<ExampleSystem.Domain> domains = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            domains.add(new ExampleSystem.Domain("domU" + i, 128, 1, "console=ttyAMA0 quiet domus.name=domU" + i));
        }
        return ExampleSystem.source("", domains, "Image", "initramfs.cpio.gz");
    }

    /**
     * The same QEMU command lines, started in parallel by a shell, consoles on stdout. Each console goes through a
     * line-buffered grep so that the guests' lines reach stdout whole: QEMU writes a UART's bytes as they come, and
     * four guests writing to one pipe byte by byte interleave mid-line.
     */
    static String bareScript(int n) {
        StringBuilder s = new StringBuilder("#!/bin/bash\ncd \"$(dirname \"$0\")\"\n");
        for (int i = 1; i <= n; i++) {
            s.append(QEMU).append(" -kernel Image -initrd initramfs.cpio.gz -serial stdio -append \"console=ttyAMA0 quiet domus.name=domU")
                    .append(i).append("\" | grep --line-buffered -a '' &\n");
        }
        return s.append("wait\n").toString();
    }

    private static Run measure(List<String> cmd, int n, Path work, boolean isDomus) throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        if (isDomus) {
            pb.environment().put("DOMUS_TRACE", "1"); // a few lines on stderr, among them when the first QEMU starts
        }
        Process p = pb.start();
        long[] peak = {0};
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (p.isAlive()) {
                peak[0] = Math.max(peak[0], hwmKib(p.pid()));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        double startup = -1;
        double qemu = -1;
        double lastReady = -1;
        int ready = 0;
        List<String> seen = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.add(line);
                double t = (System.nanoTime() - start) / 1e6;
                if (startup < 0 && line.startsWith("(domus) ")) {
                    startup = t;
                }
                if (qemu < 0 && line.startsWith("(trace) ") && line.contains(": spawning QEMU")) {
                    qemu = t;
                }
                if (line.contains("DOMUS-READY ")) {
                    ready++;
                    lastReady = t;
                }
            }
        }
        if (!p.waitFor(5, TimeUnit.MINUTES) || ready != n) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + ": " + ready + " of " + n + " READY lines; output:\n"
                    + String.join("\n", seen));
        }
        sampler.join();
        return new Run(lastReady, isDomus ? startup : 0, isDomus ? qemu : 0, peak[0]);
    }

    /** The process's peak resident set (VmHWM), 0 once it is gone. */
    private static long hwmKib(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has just exited
        }
        return 0;
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        return median(runs.stream().mapToDouble(f).toArray());
    }

    /** In %: the median of each run of {@code b} over the run of {@code a} just before it (the same machine, or nearly). */
    private static double pairedOverhead(List<Run> a, List<Run> b) {
        double[] ratios = new double[a.size()];
        for (int r = 0; r < ratios.length; r++) {
            ratios[r] = b.get(r).lastReadyMs() / a.get(r).lastReadyMs();
        }
        return (median(ratios) - 1) * 100;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
