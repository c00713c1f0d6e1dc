package org.domus.hypervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import org.domus.engine.DomainSpec;

/**
 * The module files a domain was first built from, as they were then (size and modification time). A domain that
 * is rebuilt later (a reboot, {@code domus create}) boots the same paths again, so a file rebuilt or cut short in
 * the meantime would boot unchecked bytes; it is refused by name instead, as at boot.
 */
final class BootFiles {
    private record Seen(Path file, long size, FileTime modified) {
    }

    private final List<Seen> files;

    private BootFiles(List<Seen> files) {
        this.files = files;
    }

    /** The kernel and ramdisk of {@code spec} as they are now; a file that cannot be read is left unchecked. */
    static BootFiles of(DomainSpec spec) {
        List<Seen> seen = new ArrayList<>();
        for (Path p : new Path[] {spec.kernel(), spec.initrd()}) {
            if (p == null) {
                continue;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                seen.add(new Seen(p, a.size(), a.lastModifiedTime()));
            } catch (IOException e) {
                // a stand-in spec (tests) or a file the engine will report itself
            }
        }
        return new BootFiles(List.copyOf(seen));
    }

    /** Throws, naming the file, when one changed since {@link #of}. */
    void check() throws IOException {
        for (Seen s : files) {
            BasicFileAttributes now;
            try {
                now = Files.readAttributes(s.file, BasicFileAttributes.class);
            } catch (IOException e) {
                throw new IOException("%s can no longer be read (%s): the domain cannot be built from it again"
                        .formatted(s.file, e.getMessage()), e);
            }
            if (now.size() != s.size || !now.lastModifiedTime().equals(s.modified)) {
                throw new IOException("%s changed on disk since the domain was first built (%d bytes, modified %s then; %d bytes, modified %s now): boot the system again to use it"
                        .formatted(s.file, s.size, s.modified, now.size(), now.lastModifiedTime()));
            }
        }
    }
}
