package org.domus.fdt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared device-tree corpus ({@code ../shared/corpus/dts}: dtc's own tests and Linux board trees, with
 * reference outputs made by Debian's dtc 1.6.1). Used in place, never copied into the repository.
 */
public final class TestCorpus {
    private TestCorpus() {
    }

    /** The corpus root; fails the test run when it is missing, because CI always has it. */
    public static Path root() {
        String override = System.getenv("DTS_CORPUS");
        Path p = override != null ? Path.of(override)
                : Path.of(System.getProperty("domus.root", ".")).toAbsolutePath().resolve("../shared/corpus/dts").normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("device-tree corpus not found at " + p + " (set DTS_CORPUS)");
        }
        return p;
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
