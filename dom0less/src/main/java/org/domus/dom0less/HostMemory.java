package org.domus.dom0less;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's RAM, from /proc/meminfo (MemTotal); the JVM's own view is its heap, not the machine. */
final class HostMemory {
    private HostMemory() {
    }

    static long totalBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: no limit known
        }
        return Long.MAX_VALUE;
    }
}
