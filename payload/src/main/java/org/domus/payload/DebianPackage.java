package org.domus.payload;

import java.util.ArrayList;
import java.util.List;

/**
 * One package as apt's lists describe its candidate version.
 *
 * @param arch      Debian's architecture name: "arm64", "amd64"
 * @param version   Debian's version string, epoch included ("1:1.35.0-4+deb12u1+b1")
 * @param size      the .deb's size in bytes, for the progress line
 * @param depends   the Depends field as written, or ""
 */
public record DebianPackage(String name, String arch, String version, long size, String depends) {

    /** "busybox-static:arm64", as apt spells a package of one architecture. */
    public String spec() {
        return name + ":" + arch;
    }

    /** The folder name of the unpacked package in the cache; ':' is escaped as apt escapes it in file names. */
    String cacheKey() {
        return name + "_" + version.replace(":", "%3a");
    }

    /** The package names in Depends, first alternative of each, without version constraints or arch qualifiers. */
    List<String> dependencyNames() {
        List<String> names = new ArrayList<>();
        for (String dep : depends.split(",")) {
            String first = dep.split("\\|")[0].strip();
            String name = first.split("[\\s(:]", 2)[0];
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** The first stanza of {@code apt-cache show} output, or null when it names no version. */
    static DebianPackage parse(String aptCacheShow, String arch) {
        String name = null;
        String version = null;
        String depends = "";
        long size = 0;
        for (String line : aptCacheShow.lines().toList()) {
            if (line.isEmpty() && name != null) {
                break;   // end of the first stanza
            }
            int colon = line.indexOf(": ");
            if (colon < 0 || line.startsWith(" ")) {
                continue;   // continuation lines (Description) carry nothing we use
            }
            String value = line.substring(colon + 2).strip();
            switch (line.substring(0, colon)) {
                case "Package" -> name = value;
                case "Version" -> version = value;
                case "Depends" -> depends = value;
                case "Size" -> size = Long.parseLong(value);
                default -> { }
            }
        }
        return name == null || version == null ? null : new DebianPackage(name, arch, version, size, depends);
    }
}
