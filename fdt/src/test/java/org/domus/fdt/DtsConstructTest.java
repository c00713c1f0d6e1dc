package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.domus.fdt.internal.source.TreeBuilder;
import org.domus.fdt.internal.source.TreeSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our own sources, one or more per construct of the language ({@code src/test/resources/dts}), compiled
 * by us and by the reference dtc at test time: the blobs must be identical, with and without {@code -@}
 * (which also shows where every node label ended up). The sources in {@code dts-bad} must be rejected
 * by both, and where dtc's parser gives a position, by us at the same line and column with the same words.
 */
class DtsConstructTest {
    @TempDir
    static Path work;

    /** Binary inputs for /incbin/ are made here rather than kept in the repository. */
    @BeforeAll
    static void copyResources() throws IOException {
        for (String dir : List.of("dts", "dts-bad")) {
            Path from = resource(dir);
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : s.toList()) {
                    Path to = work.resolve(dir).resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
        }
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Files.write(work.resolve("dts/incbin-data.bin"), all);
        Files.writeString(work.resolve("dts/inc/incbin-sub.bin"), "sub-binary");
    }

    static Path resource(String name) {
        try {
            return Path.of(DtsConstructTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> sources() {
        return list("dts");
    }

    static List<String> badSources() {
        return list("dts-bad");
    }

    private static List<String> list(String dir) {
        try (Stream<Path> s = Files.list(resource(dir))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dts")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Include directories a source needs (dtc's -i), absolute. */
    static List<Path> includeDirs(Path source) {
        if (source.getFileName().toString().equals("include-search.dts")) {
            return List.of(source.getParent().resolve("inc/search").toAbsolutePath());
        }
        return List.of();
    }

    static Dtc.Run dtc(Path source, String... extra) {
        List<String> args = new ArrayList<>(List.of("-q", "-I", "dts", "-O", "dtb"));
        args.addAll(List.of(extra));
        for (Path d : includeDirs(source)) {
            args.add("-i");
            args.add(d.toString());
        }
        args.add(source.getFileName().toString());
        return Dtc.run(source.toAbsolutePath().getParent(), args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void compilesLikeDtc(String name) throws Exception {
        Path source = work.resolve("dts").resolve(name);
        Dtc.Run run = dtc(source);
        assertThat(run.ok()).as("dtc accepts %s: %s", name, run.stderr()).isTrue();
        assertThat(Fdt.fromDts(source, includeDirs(source)).toDtb()).isEqualTo(run.stdout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void compilesLikeDtcWithSymbols(String name) throws Exception {
        Path source = work.resolve("dts").resolve(name);
        Dtc.Run run = dtc(source, "-@");
        assertThat(run.ok()).as("dtc -@ accepts %s: %s", name, run.stderr()).isTrue();
        List<Path> dirs = includeDirs(source);
        assertThat(TreeBuilder.build(TreeSource.parse(source, dirs), true).toDtb()).isEqualTo(run.stdout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSources")
    void rejectedLikeDtc(String name) {
        Path source = work.resolve("dts-bad").resolve(name);
        Dtc.Run run = dtc(source);
        assertThat(run.ok()).as("dtc rejects %s", name).isFalse();
        assertThatThrownBy(() -> Fdt.fromDts(source))
                .isInstanceOfSatisfying(DtsException.class, e -> {
                    assertThat(e.diagnostics()).isNotEmpty();
                    List<String> dtcSays = parserMessages(run.stderr());
                    if (!dtcSays.isEmpty()) {
                        assertThat(withoutFile(e.diagnostics())).containsExactlyElementsOf(dtcSays);
                    }
                });
    }

    private static final Pattern DTC_MESSAGE =
            Pattern.compile("(?:Error|Lexical error): .*?:(-?\\d+)\\.(\\d+)(?:-[\\d.]+)? (.*)");
    private static final Pattern OUR_MESSAGE = Pattern.compile(".*?:(-?\\d+):(\\d+): (.*)");

    /** dtc's parser messages ("Error: file:L.C-C text") as "L:C: text"; none for check or fatal errors. */
    static List<String> parserMessages(String stderr) {
        List<String> out = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            Matcher m = DTC_MESSAGE.matcher(line);
            if (m.matches()) {
                out.add(m.group(1) + ":" + m.group(2) + ": " + m.group(3));
            }
        }
        return out;
    }

    static List<String> withoutFile(List<String> diagnostics) {
        List<String> out = new ArrayList<>();
        for (String d : diagnostics) {
            Matcher m = OUR_MESSAGE.matcher(d);
            out.add(m.matches() ? m.group(1) + ":" + m.group(2) + ": " + m.group(3) : d);
        }
        return out;
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.ISO_8859_1);
    }
}
