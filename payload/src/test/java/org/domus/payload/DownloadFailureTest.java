package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** apt's own failure lines (as HostCommand.Result.reason() returns them) turned into ours. */
class DownloadFailureTest {
    private static final DebianPackage KERNEL = new DebianPackage("linux-image-6.1.0-50-cloud-arm64-unsigned", "arm64",
            "6.1.176-1", 21_000_000, "");

    @Test
    void aMissingFileMeansTheListsAreOld() {
        PayloadException e = DebianPackages.downloadFailure(KERNEL, "Failed to fetch http://deb.debian.org/debian/pool/main/l/linux/"
                + "linux-image-6.1.0-50-cloud-arm64-unsigned_6.1.176-1_arm64.deb  404  Not Found [IP: 151.101.2.132 80]");
        assertThat(e).isInstanceOf(DebianPackages.ListsOutdatedException.class).hasMessage(
                "cannot fetch linux-image-6.1.0-50-cloud-arm64-unsigned:arm64=6.1.176-1: the archive no longer has it (404); "
                        + "apt's lists are older than the archive");
    }

    @Test
    void anUnreachableArchiveAsksAboutTheNetwork() {
        PayloadException e = DebianPackages.downloadFailure(KERNEL, "Failed to fetch http://deb.debian.org/debian/pool/main/l/linux/"
                + "linux-image-6.1.0-50-cloud-arm64-unsigned_6.1.176-1_arm64.deb  Temporary failure resolving 'deb.debian.org'");
        assertThat(e).isNotInstanceOf(DebianPackages.ListsOutdatedException.class).hasMessage(
                "cannot fetch linux-image-6.1.0-50-cloud-arm64-unsigned:arm64: apt-get download failed: "
                        + "Temporary failure resolving 'deb.debian.org'; is the network up?");
    }
}
