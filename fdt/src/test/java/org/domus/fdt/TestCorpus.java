package org.domus.fdt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The device-tree corpus: dtc's own test inputs (from dtc's Debian source package) and Arm64 board trees of
 * Debian's linux-source-6.1 (run through cpp as the kernel build does), with reference outputs made by the
 * installed dtc. {@code fdt/corpus/fetch} makes it once from the Debian archive into the cache
 * ({@code $DOMUS_CACHE}, else {@code ~/.cache/domus}), outside the repository; {@code DTS_CORPUS} names another
 * folder of the same layout instead.
 */
public final class TestCorpus {
    private static Path root;

    private TestCorpus() {
    }

    /** The corpus root, fetched and made on first use; a failure to make it fails the test run, never skips it. */
    public static synchronized Path root() {
        if (root != null) {
            return root;
        }
        String override = System.getenv("DTS_CORPUS");
        if (override != null && !override.isEmpty()) {
            Path p = Path.of(override);
            if (!Files.isDirectory(p)) {
                throw new IllegalStateException("DTS_CORPUS names no folder: " + p);
            }
            return root = p;
        }
        Path script = Path.of(System.getProperty("domus.root", "..")).toAbsolutePath().resolve("fdt/corpus/fetch").normalize();
        try {
            Process p = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "): the corpus could not be made");
            }
            return root = Path.of(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every test name NAME in {@code dir} that has both NAME.dts and NAME.dtb (include fragments excluded). */
    public static List<Path> compileCases(String dir) {
        try (Stream<Path> s = Files.list(root().resolve(dir))) {
            return s.filter(f -> f.toString().endsWith(".dtb"))
                    .filter(f -> Files.exists(sibling(f, ".dts")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every {@code .dts} in {@code dtc-tests-bad}: inputs dtc 1.6.1 rejects. */
    public static List<Path> badSources() {
        try (Stream<Path> s = Files.list(root().resolve("dtc-tests-bad"))) {
            return s.filter(f -> f.toString().endsWith(".dts")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code dir/NAME.dtb} → {@code dir/NAME<suffix>}, e.g. ".dts" or ".roundtrip.dts". */
    public static Path sibling(Path dtb, String suffix) {
        String n = dtb.getFileName().toString();
        return dtb.resolveSibling(n.substring(0, n.lastIndexOf('.')) + suffix);
    }
}
