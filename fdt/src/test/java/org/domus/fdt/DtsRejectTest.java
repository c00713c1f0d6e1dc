package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every source dtc 1.6.1 rejects is rejected with a {@link DtsException}, never another exception; when dtc
 * rejected it in a check, ours names the same check.
 */
class DtsRejectTest {
    private static final Pattern CHECK = Pattern.compile("ERROR \\((\\w+)\\)");

    static List<Path> sources() {
        return TestCorpus.badSources();
    }

    @Test
    void corpusIsThere() {
        assertThat(sources()).hasSizeGreaterThan(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void rejected(Path dts) throws Exception {
        Throwable t = catchThrowable(() -> Fdt.fromDts(dts));
        assertThat(t).as(dts.getFileName().toString()).isInstanceOf(DtsException.class);
        String err = Files.readString(TestCorpus.sibling(dts, ".err"), StandardCharsets.UTF_8);
        Matcher m = CHECK.matcher(err);
        if (m.find()) {
            assertThat(t.getMessage()).contains("ERROR (" + m.group(1) + ")");
        }
    }
}
