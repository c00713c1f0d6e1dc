package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * SPECIFICATION.md cannot rot: every promise line (a list item) links to at least one test; every link names a file
 * of this repository that exists; a link named {@code Class#method} goes to {@code Class.java}, which declares a test
 * method of that name (annotated {@code @Test}, {@code @ParameterizedTest}, jqwik's {@code @Property}, …); a link
 * named {@code bench/run NAME} goes to the benchmark class {@code bench/run NAME} runs.
 */
class SpecificationLinksTest {
    private static final Path ROOT = Path.of(System.getProperty("domus.root", "..")).toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\(([^)\\s]+)\\)");
    private static final Pattern CLASS_METHOD = Pattern.compile("(\\w+)#(\\w+)");
    private static final Pattern BENCH = Pattern.compile("bench/run (\\w+)");
    private static final Pattern TEST_ANNOTATION = Pattern.compile(
            "@(?:[\\w.]+\\.)?(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property|Example)\\b");
    private static final List<String> NOT_TYPES = List.of("return", "new", "throw", "else", "case", "yield", "assert");

    @Test
    void everyPromiseLinksToATestThatExists() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("SPECIFICATION.md"));
        assertThat(problems(lines)).isEmpty();
        assertThat(lines.stream().filter(l -> l.startsWith("- "))).as("promise lines").hasSizeGreaterThan(100);
    }

    /** A validation rule is a promise (a bad tree is refused, by that rule's id): each has its line. */
    @Test
    void everyValidationRuleHasALine() throws IOException {
        String spec = Files.readString(ROOT.resolve("SPECIFICATION.md"));
        assertThat(java.util.Arrays.stream(org.domus.dom0less.Rule.values()).map(r -> "`" + r.id() + "`")
                .filter(id -> !spec.contains(id)).toList()).as("rules without a line in SPECIFICATION.md").isEmpty();
    }

    /** The checker itself: it must see what is wrong, or the test above proves nothing. */
    @Test
    void aMissingLinkFileOrMethodAndAHelperThatIsNoTestAreCaught() {
        String self = "(cli/src/test/java/org/domus/cli/SpecificationLinksTest.java)";
        assertThat(problems(List.of(
                "- fine: [SpecificationLinksTest#everyPromiseLinksToATestThatExists]" + self,
                "- a benchmark: [bench/run dt](bench/src/main/java/org/domus/bench/DtBench.java)",
                "prose, not a promise, needs no link"))).isEmpty();
        assertThat(problems(List.of(
                "- a promise without a link",
                "- [SpecificationLinksTest#noSuchMethod]" + self,
                "- [SpecificationLinksTest#problems]" + self,
                "- [OtherTest#everyPromiseLinksToATestThatExists]" + self,
                "- [gone](cli/src/test/java/org/domus/cli/NoSuchTest.java)",
                "- [outside](../x)",
                "- [anchored](README.md#tests-and-benchmarks)",
                "- [bench/run dt](bench/src/main/java/org/domus/bench/BootBench.java)")))
                .hasSize(8).allSatisfy(p -> assertThat(p).startsWith("SPECIFICATION.md:"));
    }

    /** Every problem of the spec's {@code lines}, one line each, "SPECIFICATION.md:LINE: …". */
    static List<String> problems(List<String> lines) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = "SPECIFICATION.md:" + (i + 1);
            Matcher m = LINK.matcher(line);
            int links = 0;
            while (m.find()) {
                links++;
                check(where, m.group(1), m.group(2), problems);
            }
            if (line.startsWith("- ") && links == 0) {
                problems.add(where + ": a promise without a link to its test");
            }
        }
        return problems;
    }

    private static void check(String where, String text, String target, List<String> problems) {
        if (target.contains("://") || target.contains("#")) {
            problems.add(where + ": [" + text + "](" + target + "): link to a file of this repository, without an anchor");
            return;
        }
        Path file = ROOT.resolve(target).normalize();
        if (!file.startsWith(ROOT) || !Files.isRegularFile(file)) {
            problems.add(where + ": [" + text + "](" + target + "): no such file");
            return;
        }
        Matcher cm = CLASS_METHOD.matcher(text);
        Matcher bench = BENCH.matcher(text);
        try {
            if (cm.matches()) {
                if (!file.getFileName().toString().equals(cm.group(1) + ".java")) {
                    problems.add(where + ": [" + text + "](" + target + "): " + cm.group(1) + " is not that file's class");
                } else if (!declaresTest(Files.readString(file), cm.group(2))) {
                    problems.add(where + ": [" + text + "](" + target + "): no test method " + cm.group(2) + " in it");
                }
            } else if (bench.matches()) {
                String cls = file.getFileName().toString().replaceFirst("\\.java$", "");
                String run = Files.readString(ROOT.resolve("bench/run"));
                if (!run.contains(bench.group(1) + ") main=org.domus.bench." + cls + " ")) {
                    problems.add(where + ": [" + text + "](" + target + "): bench/run " + bench.group(1) + " does not run " + cls);
                }
            }
        } catch (IOException e) {
            problems.add(where + ": [" + text + "](" + target + "): " + e.getMessage());
        }
    }

    /**
     * Whether {@code source} declares {@code method} with a test annotation. Comments and literals are blanked first;
     * a declaration is the name followed by "(" where the text since the last ";", "{" or "}" outside parentheses
     * (annotations, modifiers, a return type) ends in a type, and holds a test annotation.
     */
    static boolean declaresTest(String source, String method) {
        String code = blank(source);
        Matcher m = Pattern.compile("(?<![\\w.$])" + Pattern.quote(method) + "\\s*\\(").matcher(code);
        while (m.find()) {
            String head = code.substring(statementStart(code, m.start()), m.start()).strip();
            Matcher type = Pattern.compile("([\\w$]+)(?:\\s*<[^;{}]*>)?(?:\\s*\\[\\s*])*$").matcher(head);
            if (type.find() && !NOT_TYPES.contains(type.group(1)) && TEST_ANNOTATION.matcher(head).find()) {
                return true;
            }
        }
        return false;
    }

    /** Where the declaration or statement that holds position {@code at} starts. */
    private static int statementStart(String code, int at) {
        int depth = 0;
        for (int i = at - 1; i >= 0; i--) {
            char c = code.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                depth--;
            } else if (depth == 0 && (c == ';' || c == '{' || c == '}')) {
                return i + 1;
            }
        }
        return 0;
    }

    /** {@code source} with comments, string, text-block and character literals replaced by spaces. */
    static String blank(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && source.charAt(end - 1) == '\\') {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else {
                out.append(c);
                i++;
                continue;
            }
            out.append(" ".repeat(end - i));
            i = end;
        }
        return out.toString();
    }
}
