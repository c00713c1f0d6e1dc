package org.domus.hypervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a system's files go when no run folder is given (each domain's console log, modules, a detached boot's
 * {@code domus.log}): a new folder per boot in the user's own {@code run} folder, {@code $XDG_RUNTIME_DIR/domus/run/}
 * or else {@code /tmp/domus-UID/run/}. Per user, because one folder shared by all is the first user's: once root
 * has made it (0755) no one else can boot. Both levels are checked as {@link PrivateFolder}s: whoever could write
 * there could read or replace a system's logs and modules.
 */
public final class RunFolders {
    private RunFolders() {
    }

    /** A new, empty folder (0700) for a boot of system {@code systemName}. */
    public static Path create(String systemName) throws IOException {
        return create(parent(System.getenv("XDG_RUNTIME_DIR"), Path.of(System.getProperty("java.io.tmpdir")),
                PrivateFolder.currentUid()), PrivateFolder.currentUid(), systemName);
    }

    /** The folder holding a user's run folders; a root-owned /tmp/domus-0 for root (runs can hold large modules: not /run). */
    static Path parent(String xdgRuntimeDir, Path tmp, long uid) {
        Path base = xdgRuntimeDir != null && !xdgRuntimeDir.isBlank() ? Path.of(xdgRuntimeDir, "domus") : tmp.resolve("domus-" + uid);
        return base.resolve("run");
    }

    /** A new folder under {@code parent}, which is made if missing; both it and its own parent must be {@code uid}'s alone. */
    static Path create(Path parent, long uid, String systemName) throws IOException {
        PrivateFolder.ensure(parent.getParent(), uid, true);
        PrivateFolder.ensure(parent, uid, false);
        // the system's name is checked by ControlPaths; a file name stem all the same, whatever a caller passes
        String stem = systemName.replaceAll("\\.dt[sb]$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            return Files.createTempDirectory(parent, stem + "-");
        } catch (IOException e) {
            throw new IOException("cannot create a run folder in %s: %s".formatted(parent, e.getMessage()), e);
        }
    }
}
