package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DebianPackageTest {
    /** Trimmed from {@code apt-cache show --no-all-versions linux-image-cloud-arm64:arm64}, second stanza added. */
    private static final String SHOW = """
            Package: linux-image-cloud-arm64
            Source: linux-signed-arm64 (6.1.192+2)
            Version: 6.1.192-2
            Installed-Size: 9
            Depends: linux-image-6.1.0-56-cloud-arm64 (= 6.1.192-2)
            Description: Linux for arm64 cloud (meta-package)
             This package depends on the latest Linux kernel
             Version: not-a-field
            Size: 1496

            Package: other
            Version: 2
            """;

    @Test
    void readsTheFirstStanzaOnly() {
        DebianPackage p = DebianPackage.parse(SHOW, "arm64");
        assertThat(p).isEqualTo(new DebianPackage("linux-image-cloud-arm64", "arm64", "6.1.192-2", 1496,
                "linux-image-6.1.0-56-cloud-arm64 (= 6.1.192-2)"));
        assertThat(p.spec()).isEqualTo("linux-image-cloud-arm64:arm64");
        assertThat(p.dependencyNames()).containsExactly("linux-image-6.1.0-56-cloud-arm64");
    }

    @Test
    void dependsKeepsTheFirstAlternativeWithoutConstraints() {
        DebianPackage p = new DebianPackage("m", "arm64", "1", 0, "a (>= 1) | b, c:any, d [arm64], e");
        assertThat(p.dependencyNames()).containsExactly("a", "c", "d", "e");
    }

    @Test
    void nothingToReadIsNull() {
        assertThat(DebianPackage.parse("", "arm64")).isNull();
        assertThat(DebianPackage.parse("N: Unable to locate package x\n", "arm64")).isNull();
    }

    @Test
    void theEpochColonIsEscapedAsAptEscapesIt() {
        assertThat(new DebianPackage("busybox-static", "arm64", "1:1.35.0-4+deb12u1+b1", 0, "").cacheKey())
                .isEqualTo("busybox-static_1%3a1.35.0-4+deb12u1+b1");
    }
}
