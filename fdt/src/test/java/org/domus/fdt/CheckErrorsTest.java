package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fixture per way a tree fails dtc 1.6.1's checks, as dtc's own {@code check_tests} do: each file in
 * {@code dts-bad-checks/} is named {@code CHECK[.variant].dts} after the check that must reject it. dtc is run
 * on the same file at test time: it must reject it too, with the same words at the same place. Fixtures on
 * which dtc itself crashes or loops (an assertion, a null pointer, an endless loop in a warning check) are
 * rejected by us with a diagnostic naming that check.
 */
class CheckErrorsTest {
    /** The ERROR-level checks of dtc 1.6.1; omit_unused_nodes is one too, but it never fails. */
    private static final List<String> ERROR_CHECKS = List.of("duplicate_node_names", "duplicate_property_names",
            "node_name_chars", "node_name_format", "property_name_chars", "name_is_string", "name_properties",
            "duplicate_label", "explicit_phandles", "phandle_references", "path_references");

    private static final Pattern OURS = Pattern.compile("\\S+?:(\\d+):(\\d+): (ERROR \\((\\w+)\\): .*)");
    private static final Pattern DTCS = Pattern.compile("\\S+?:(\\d+)\\.(\\d+)(?:-[\\d.]+)?: (ERROR \\((\\w+)\\): .*)");

    static Path dir() {
        try {
            return Path.of(CheckErrorsTest.class.getResource("/dts-bad-checks").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dts")).sorted().toList();
        }
    }

    @Test
    void everyErrorCheckHasAFixture() throws IOException {
        List<String> checks = fixtures().stream().map(CheckErrorsTest::checkOf).distinct().toList();
        assertThat(checks).containsAll(ERROR_CHECKS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void rejectedByTheNamedCheck(String name) throws Exception {
        Path file = dir().resolve(name);
        String check = checkOf(name);
        DtsException e = catchThrowableOfType(DtsException.class, () -> Fdt.fromDts(file));
        assertThat(e).as("%s must be rejected", name).isNotNull();
        List<String> ours = new ArrayList<>();
        for (String d : e.diagnostics()) {
            Matcher m = OURS.matcher(d);
            assertThat(m.matches()).as("diagnostic form: %s", d).isTrue();
            assertThat(m.group(4)).as(d).isEqualTo(check);
            ours.add(m.group(1) + ":" + m.group(2) + ": " + m.group(3));
        }

        DtcVerdict dtc = dtc(file);
        assertThat(dtc.exitCode).as("dtc must reject %s too", name).isNotZero();
        if (dtc.crashedOrHung()) {
            // dtc dies in the middle of a warning check: no words to compare, only the place.
            assertThat(e.diagnostics()).singleElement().asString().contains("dtc 1.6.1 cannot process this tree");
            return;
        }
        List<String> theirs = new ArrayList<>();
        for (String line : dtc.stderr.split("\n")) {
            Matcher m = DTCS.matcher(line);
            if (m.matches()) {
                theirs.add(m.group(1) + ":" + m.group(2) + ": " + m.group(3));
            }
        }
        assertThat(ours).isEqualTo(theirs);
    }

    private static String checkOf(String fixture) {
        return fixture.substring(0, fixture.indexOf('.'));
    }

    record DtcVerdict(int exitCode, String stderr) {
        /** Killed by SIGABRT (assertion) or SIGSEGV, or stopped by our timeout. */
        boolean crashedOrHung() {
            return exitCode == 134 || exitCode == 139 || exitCode == -1;
        }
    }

    /** dtc on the fixture, with a short timeout: one fixture makes dtc 1.6.1 loop forever. */
    static DtcVerdict dtc(Path file) throws IOException, InterruptedException {
        Path err = Files.createTempFile("dtc", ".err");
        try {
            Process p = new ProcessBuilder(Dtc.binary(), "-I", "dts", "-O", "dtb", "-o", "/dev/null",
                    file.getFileName().toString())
                    .directory(file.getParent().toFile()).redirectError(err.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new DtcVerdict(-1, "");
            }
            int code = p.exitValue();
            // A signal shows as 128 + signo only through a shell; the JVM reports it the same way.
            return new DtcVerdict(code, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
