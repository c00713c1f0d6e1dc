package org.domus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.domus.fdt.Fdt;

/**
 * Compile and decompile time of Domus against Debian's dtc on generated trees of growing size.
 * dtc runs as a process (its start-up is ~1 ms, noise at these sizes); Domus runs in-process after
 * warm-up, and once cold through the launcher, JVM start included. Prints one table.
 */
public final class DtBench {
    /** Warm-up: at least this many runs and this much time, so that the JIT has compiled the hot paths. */
    private static final int WARMUP_RUNS = 5;
    private static final long WARMUP_NANOS = 3_000_000_000L;

    /**
     * @param dtcMax largest tree dtc is run on: its checks search the whole tree once per label, so its cost
     *               grows with the square of the size (a 100,000-node tree takes it many minutes)
     */
    record Options(int[] sizes, int runs, int dtcMax, Path domus) {
        static Options parse(String[] args) {
            int[] sizes = {1_000, 10_000, 100_000};
            int runs = 7;
            int dtcMax = 20_000;
            Path domus = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--runs" -> runs = Integer.parseInt(args[++i]);
                    case "--dtc-max" -> dtcMax = Integer.parseInt(args[++i]);
                    case "--domus" -> domus = Path.of(args[++i]);
                    case "--help" -> {
                        System.out.println("usage: bench/run dt [--sizes 1000,10000,100000] [--runs 7] [--dtc-max 20000]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(sizes, runs, dtcMax, domus);
        }
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        Path work = Files.createTempDirectory("domus-bench-dt");
        System.out.printf("%8s %10s | %10s %10s %7s | %10s %10s %7s | %9s %9s%n",
                "nodes", "dts bytes", "dtc comp", "domus", "ratio", "dtc decomp", "domus", "ratio",
                "ns/node c", "ns/node d");
        for (int nodes : opt.sizes()) {
            Path dts = work.resolve("tree-" + nodes + ".dts");
            Files.writeString(dts, TreeGenerator.generate(nodes));
            byte[] ourDtb = Fdt.fromDts(dts).toDtb();
            double ourCompile = medianMillis(opt.runs(), () -> Fdt.fromDts(dts).toDtb());
            double ourDecompile = medianMillis(opt.runs(), () -> Fdt.fromDtb(ourDtb).toDts());
            String dtcCompile = "-", dtcDecompile = "-", compileRatio = "-", decompileRatio = "-";
            if (nodes <= opt.dtcMax()) {
                Path ref = work.resolve("tree-" + nodes + ".dtb");
                run("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", ref.toString(), dts.toString());
                byte[] refDtb = Files.readAllBytes(ref);
                if (!Arrays.equals(ourDtb, refDtb)) {
                    throw new IllegalStateException(nodes + " nodes: our DTB differs from dtc's; benchmark void");
                }
                String refDts = new String(run("dtc", "-q", "-I", "dtb", "-O", "dts", ref.toString()), StandardCharsets.ISO_8859_1);
                if (!Fdt.fromDtb(refDtb).toDts().equals(refDts)) {
                    throw new IllegalStateException(nodes + " nodes: our decompiled text differs from dtc's; benchmark void");
                }
                double c = medianMillis(opt.runs(), () -> run("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "/dev/null", dts.toString()));
                double d = medianMillis(opt.runs(), () -> run("dtc", "-q", "-I", "dtb", "-O", "dts", "-o", "/dev/null", ref.toString()));
                dtcCompile = "%.2fms".formatted(c);
                dtcDecompile = "%.2fms".formatted(d);
                compileRatio = "%.2fx".formatted(c / ourCompile);
                decompileRatio = "%.2fx".formatted(d / ourDecompile);
            }
            System.out.printf("%8d %10d | %10s %8.2fms %7s | %10s %8.2fms %7s | %9.0f %9.0f%n",
                    nodes, Files.size(dts), dtcCompile, ourCompile, compileRatio,
                    dtcDecompile, ourDecompile, decompileRatio,
                    ourCompile * 1e6 / nodes, ourDecompile * 1e6 / nodes);
            System.out.flush();
        }
        System.out.println("ratio = dtc time / Domus time (above 1: Domus is faster); Domus warm, in-process, median of runs;");
        System.out.println("outputs checked byte-identical to dtc's where dtc ran; '-': dtc not run (quadratic, see --dtc-max).");
        System.out.println("ns/node that stays flat as the tree grows tenfold means linear cost.");
        if (opt.domus() != null && Files.isExecutable(opt.domus())) {
            int nodes = 10_000;
            Path dts = work.resolve("tree-" + nodes + ".dts");
            if (!Files.exists(dts)) {
                Files.writeString(dts, TreeGenerator.generate(nodes));
            }
            Path out = work.resolve("cli.dtb");
            double cli = medianMillis(3, () -> run(opt.domus().toString(), "dt", "compile", "-q", dts.toString(), "-o", out.toString()));
            double dtc = medianMillis(3, () -> run("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out.toString(), dts.toString()));
            System.out.printf("cold CLI, %d nodes: domus dt compile %.0f ms (JVM start included), dtc %.0f ms%n", nodes, cli, dtc);
        }
        deleteTree(work);
    }

    interface Job {
        Object run() throws Exception;
    }

    private static double medianMillis(int runs, Job job) throws Exception {
        long warmStart = System.nanoTime();
        for (int i = 0; i < WARMUP_RUNS || System.nanoTime() - warmStart < WARMUP_NANOS; i++) {
            job.run();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            job.run();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    private static byte[] run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", cmd));
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }

}
