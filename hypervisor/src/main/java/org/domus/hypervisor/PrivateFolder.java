package org.domus.hypervisor;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A folder that only its user can change, as tmux and ssh-agent insist on for their sockets. Whoever else can
 * create, own or write the folder Domus puts a control socket in can put a socket of their own in its place and
 * receive the user's requests and console keystrokes; the same holds for a run folder's logs and modules. So a
 * folder that is a symbolic link, belongs to someone else, or is writable by its group or others is refused, with
 * one line that says what is wrong and what to do. Made in a sticky folder such as /tmp, a folder that passes the
 * check stays the user's: nobody else can rename or remove it.
 */
final class PrivateFolder {
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int GROUP_OTHER_WRITE = 0022;

    private PrivateFolder() {
    }

    /**
     * Makes {@code dir} (mode 0700) if it is missing, its parents too when {@code parents}, then checks it is user
     * {@code uid}'s alone; returns it. Checked after it is made: another user may have made it a moment before.
     */
    static Path ensure(Path dir, long uid, boolean parents) throws IOException {
        try {
            if (parents && dir.getParent() != null && !Files.isDirectory(dir.getParent())) {
                Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // someone's: the check says whose
        } catch (IOException e) {
            throw new IOException("cannot create the folder %s: %s".formatted(dir, why(e)), e);
        }
        String problem = problem(dir, uid);
        if (problem != null) {
            throw new IOException(problem);
        }
        return dir;
    }

    /**
     * What is wrong with {@code dir} as a private folder of user {@code uid}, in one line, or null when nothing is
     * (a missing folder included: it will be made).
     */
    static String problem(Path dir, long uid) throws IOException {
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return "cannot check the folder %s: %s".formatted(dir, why(e));
        }
        int mode = (Integer) attrs.get("mode");
        long owner = ((Number) attrs.get("uid")).longValue();
        String anyoneElse = "someone else could put their own sockets and files in place of Domus's";
        if ((mode & S_IFMT) == S_IFLNK) {
            return "refusing %s: it is a symbolic link, and %s; remove it (rm %s), Domus makes the folder itself"
                    .formatted(dir, anyoneElse, dir);
        }
        if ((mode & S_IFMT) != S_IFDIR) {
            return "refusing %s: it is not a folder; remove it (rm %s), Domus makes the folder itself".formatted(dir, dir);
        }
        if (owner != uid) {
            return ("refusing %s: it belongs to uid %d, not to you (uid %d), so %s; have its owner or root remove it, "
                    + "or set XDG_RUNTIME_DIR to a folder of your own").formatted(dir, owner, uid, anyoneElse);
        }
        if ((mode & GROUP_OTHER_WRITE) != 0) {
            return "refusing %s: its group or others may write it (mode %04o), so %s; make it yours alone with chmod 700 %s"
                    .formatted(dir, mode & 07777, anyoneElse, dir);
        }
        return null;
    }

    /** The user's uid, as the kernel sees this process. */
    static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** An I/O error's reason: the JDK's messages for file errors are often only the path. */
    private static String why(IOException e) {
        String kind = switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or folder";
            case java.nio.file.NotDirectoryException n -> "not a folder";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage();
        };
        return kind;
    }
}
