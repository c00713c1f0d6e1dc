package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Systems under {@code src/test/resources/systems}: each {@code NAME.dts} is planned with {@code domus plan}
 * and its exit code, problems and plan must equal {@code NAME.expected} (checked in, reviewed by hand).
 * A fixture states its inputs in comments: {@code // domus-test: module 0x2000000 arm64-image 0xffffff}
 * makes a module file of that kind and exact size, {@code // domus-test: args --host-cpus 2} adds options
 * (the host is 8 CPUs and 16 GiB unless a fixture says otherwise, so results do not depend on the machine).
 * The same run with {@code --json} must agree: valid iff exit 0, the same problems.
 * {@code DOMUS_UPDATE_EXPECTED=1} rewrites the expected files, for review in the diff.
 */
class SystemCorpusTest {
    private static final Path SYSTEMS = Path.of(System.getProperty("domus.root", "..")).resolve("cli/src/test/resources/systems");
    private static final String MARK = "// domus-test:";

    static Stream<Path> systems() throws IOException {
        try (Stream<Path> s = Files.list(SYSTEMS)) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".dts")).sorted().toList();
            assertThat(all).as("test systems").hasSizeGreaterThanOrEqualTo(30);
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("systems")
    void plansAsExpected(Path dts, @TempDir Path tmp) throws Exception {
        List<String> args = new ArrayList<>(List.of("plan", dts.toString()));
        List<String> extra = new ArrayList<>();
        for (String line : Files.readAllLines(dts)) {
            if (!line.startsWith(MARK)) {
                continue;
            }
            String[] w = line.substring(MARK.length()).trim().split("\\s+");
            switch (w[0]) {
                case "module" -> {
                    Path f = tmp.resolve(w[1] + "." + w[2]);
                    Files.write(f, ModuleImages.make(w[2], Integer.decode(w[3])));
                    args.add("--module=" + w[1] + "=" + f);
                }
                case "args" -> extra.addAll(List.of(w).subList(1, w.length));
                default -> throw new IllegalArgumentException(dts + ": unknown fixture line " + line);
            }
        }
        if (!extra.contains("--host-cpus")) {
            args.addAll(List.of("--host-cpus", "8"));
        }
        if (!extra.contains("--host-memory")) {
            args.addAll(List.of("--host-memory", "16384"));
        }
        args.addAll(extra);

        Run text = run(args, dts, tmp);
        String actual = "exit " + text.exit + "\n--- stderr\n" + text.err + "--- stdout\n" + text.out;
        Path expectedFile = dts.resolveSibling(dts.getFileName().toString().replace(".dts", ".expected"));
        if (System.getenv("DOMUS_UPDATE_EXPECTED") != null) {
            Files.writeString(expectedFile, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(expectedFile));

        args.add("--json");
        Run json = run(args, dts, tmp);
        assertThat(json.exit).isEqualTo(text.exit);
        JsonNode doc = new ObjectMapper().readTree(json.out);
        assertThat(doc.get("valid").asBoolean()).isEqualTo(text.exit == 0);
        assertThat(doc.get("problems")).hasSize((int) text.err.lines().count());
        assertThat(doc.get("plan").isNull()).isEqualTo(text.exit != 0);
        if (text.exit == 0) {
            assertThat(doc.get("plan").get("domains").size()).isPositive();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs the command in process; the temp folder and the fixture's own path are replaced by stable names. */
    private static Run run(List<String> args, Path dts, Path tmp) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Run(exit, stable(out.toString(), dts, tmp), stable(err.toString(), dts, tmp));
    }

    private static String stable(String s, Path dts, Path tmp) {
        return s.replace(tmp.toString(), "$MODULES").replace(dts.toString(), dts.getFileName().toString());
    }
}
