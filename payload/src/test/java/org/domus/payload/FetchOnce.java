package org.domus.payload;

import java.nio.file.Path;

/** A second process for {@link PayloadFetchTest}: fetches busybox-static:arm64 into $DOMUS_CACHE, prints its folder
 * (or the one-line error, exit code 1). */
public final class FetchOnce {
    private FetchOnce() {
    }

    public static void main(String[] args) throws Exception {
        DebianPackages debian = new DebianPackages(PayloadCache.defaultRoot(), System.err, false);
        try {
            Path dir = debian.unpacked(debian.resolve("busybox-static", "arm64"));
            System.out.println(dir);
        } catch (PayloadException e) {
            System.err.println(e.getMessage());   // what a user would see: one line
            System.exit(1);
        }
    }
}
