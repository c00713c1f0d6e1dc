package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadCacheTest {
    @Test
    void domusCacheWinsThenXdgThenHome() {
        assertThat(PayloadCache.root(Map.of("DOMUS_CACHE", "/c", "XDG_CACHE_HOME", "/x"), "/home/u")).isEqualTo(Path.of("/c"));
        assertThat(PayloadCache.root(Map.of("XDG_CACHE_HOME", "/x"), "/home/u")).isEqualTo(Path.of("/x/domus"));
        assertThat(PayloadCache.root(Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.cache/domus"));
    }

    /** A file where the cache folder should be: one line naming the package, the cache and the cause. */
    @Test
    void anUnusableCacheIsOneLine(@TempDir Path tmp) throws Exception {
        Path cache = Files.writeString(tmp.resolve("file"), "x").resolve("cache");
        DebianPackages debian = new DebianPackages(cache, new PrintStream(new ByteArrayOutputStream()), false);
        assertThatThrownBy(() -> debian.unpacked(new DebianPackage("busybox-static", "arm64", "1", 0, "")))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("cannot fetch busybox-static:arm64: cache " + cache + ": ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void emptyOrRelativeValuesDoNotCount() {
        assertThat(PayloadCache.root(Map.of("DOMUS_CACHE", "", "XDG_CACHE_HOME", "rel"), "/home/u"))
                .isEqualTo(Path.of("/home/u/.cache/domus"));
    }
}
