package org.domus.dom0less;

import org.domus.testsupport.Tools;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.domus.fdt.Fdt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rule table against its fixtures, as dtc's {@code check_tests}: {@code rules/bad-<id>.dts} breaks rule
 * {@code id}, which must be reported from the source and again from the DTB dtc compiles from it. A fixture's
 * errors are exactly its rule (if an error) and those its {@code // also:} line names, so a fixture cannot
 * pass by tripping over something else. Every error rule has a fixture.
 *
 * <p>What a fixture may load: an Arm64 Image of 0x1000 bytes at 0x1000000 and at 0x2000000, a cpio archive of
 * 0x1000 bytes at 0x3000000, a DTB of 0x1000 bytes at 0x4000000 and 0x1000 bytes of noise at 0x5000000; the host
 * has 8 CPUs and 16 GiB.
 */
class RuleFixturesTest {
    private static final int K = 0x1000;
    private static final String ALSO = "// also:";
    /** Error rules no tree alone can break, and where they are tested instead. */
    private static final Map<Rule, String> WITHOUT_FIXTURE = Map.of(
            Rule.IMAGE_PROBE, "a probe that throws: guards against a defect in ImageProbe, not in a tree",
            Rule.MODULE_OVERWRITTEN, "the uboot module's script replay reports it, from what a script did",
            Rule.GIC_VERSION, "a --gic-version against the tree: GuestMachineTest#theSystemTreesGicDecidesAndAContradictingChoiceIsAnError",
            Rule.DTB_PARTIAL, "an unreadable partial tree loaded as a module: GuestMachineTest#aPartialTreeThatCannotBeReadIsRefused",
            Rule.DTB_PHANDLE, "a partial tree's content: GuestMachineTest#aPartialTreesPhandlesStayBelowXensOwn",
            Rule.DTB_PASSTHROUGH, "a partial tree's content: GuestMachineTest#aPartialTreeThatAssignsAHostDeviceIsRefusedNamingTheNode",
            Rule.DTB_X86, "an x86 kernel module: GuestMachineTest#anX86GuestHasNoTreeToMergeAPartialOneInto");

    private static ModuleSource modules() {
        return new TestModules().at(0x1000000, "Image", Payloads.arm64Image(K)).at(0x2000000, "Image2",
                Payloads.arm64Image(K)).at(0x3000000, "initramfs", Payloads.cpio(K))
                .at(0x4000000, "guest.dtb", Payloads.dtb(K)).at(0x5000000, "noise", Payloads.noise(K));
    }

    static Path dir() {
        try {
            return Path.of(RuleFixturesTest.class.getResource("/rules").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dts")).sorted().toList()
                    .stream();
        }
    }

    private static Rule ruleOf(String fixture) {
        String id = fixture.substring("bad-".length(), fixture.length() - ".dts".length());
        return Rule.byId(id).orElseThrow(() -> new AssertionError(fixture + " names no rule: \"" + id + "\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void eachFixtureBreaksItsRuleFromSourceAndFromDtb(String fixture, @TempDir Path tmp) throws Exception {
        assertThat(fixture).startsWith("bad-");
        Rule rule = ruleOf(fixture);
        Path source = dir().resolve(fixture);
        Set<String> errors = new TreeSet<>(also(source));
        if (rule.severity() == Problem.Severity.ERROR) {
            errors.add(rule.id());
        }

        Tools.run(dir(), "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", tmp.resolve("bad.dtb").toString(), fixture);
        Map<String, Fdt> trees = Map.of("source", Fdt.fromDts(source),
                "dtb", Fdt.fromDtb(Files.readAllBytes(tmp.resolve("bad.dtb"))));
        trees.forEach((from, tree) -> {
            SystemConfig system = Validator.load(tree, modules(), ValidatorFixtures.HOST);
            List<Problem> problems = system.problems();
            assertThat(problems).as("%s from its %s: %s", fixture, from, problems)
                    .anySatisfy(p -> assertThat(p.rule()).isEqualTo(rule));
            assertThat(problems.stream().filter(Problem::isError).map(Problem::check).collect(Collectors.toSet()))
                    .as("%s from its %s: its errors (%s)", fixture, from, problems).isEqualTo(errors);
            assertThat(problems).allSatisfy(p -> assertThat(p.path()).startsWith("/"));
        });
    }

    /** The ids a fixture's {@code // also:} line names: errors that come with its rule and cannot be avoided. */
    private static List<String> also(Path source) throws IOException {
        return Files.readAllLines(source).stream().filter(l -> l.startsWith(ALSO))
                .flatMap(l -> Arrays.stream(l.substring(ALSO.length()).trim().split("\\s+"))).toList();
    }

    @Test
    void everyErrorRuleHasAFixture() throws IOException {
        Set<String> fixtures = fixtures().collect(Collectors.toSet());
        List<String> missing = Arrays.stream(Rule.values())
                .filter(r -> r.severity() == Problem.Severity.ERROR && !WITHOUT_FIXTURE.containsKey(r))
                .map(r -> "bad-" + r.id() + ".dts").filter(f -> !fixtures.contains(f)).toList();
        assertThat(missing).as("error rules without a fixture under src/test/resources/rules").isEmpty();
        assertThat(WITHOUT_FIXTURE.keySet()).allSatisfy(r -> assertThat(fixtures).doesNotContain("bad-" + r.id() + ".dts"));
    }

    @Test
    void idsAreUniqueAndDescriptionsOneLine() {
        assertThat(Arrays.stream(Rule.values()).map(Rule::id).distinct().count()).isEqualTo(Rule.values().length);
        assertThat(Rule.values()).allSatisfy(r -> {
            assertThat(r.id()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(r.description()).isNotBlank().doesNotContain("\n");
            assertThat(Rule.byId(r.id())).contains(r);
        });
    }
}
