package org.domus.hypervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the control sockets of running systems are: {@code $XDG_RUNTIME_DIR/domus/NAME.sock} for a user session,
 * {@code /run/domus/NAME.sock} for root, else {@code /tmp/domus-UID/}. The folder must be the user's alone (see
 * {@link PrivateFolder}): a socket in a folder someone else controls is neither bound nor connected to.
 */
public final class ControlPaths {
    /** A system's name becomes a file name: letters, digits, '.', '_', '-'. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    static final String SUFFIX = ".sock";
    /** A system's xenstored socket sits next to its control socket (not ending in .sock: it is no system). */
    static final String XENSTORED_SUFFIX = ".xenstored";
    /** Linux's sun_path holds 108 bytes with the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;

    private ControlPaths() {
    }

    /** The folder of the sockets (not created). */
    public static Path directory() {
        return directory(System.getenv("XDG_RUNTIME_DIR"), PrivateFolder.currentUid());
    }

    static Path directory(String xdgRuntimeDir, long uid) {
        if (xdgRuntimeDir != null && !xdgRuntimeDir.isBlank()) {
            return Path.of(xdgRuntimeDir, "domus");
        }
        return uid == 0 ? Path.of("/run/domus") : Path.of("/tmp", "domus-" + uid);
    }

    /** The socket of system {@code name}; refused when its folder exists and is not the user's alone. */
    public static Path socket(String name) throws ControlException {
        if (!NAME.matcher(name).matches()) {
            throw new ControlException("'%s' is not a system name: use letters, digits, '.', '_' and '-' (64 at most)"
                    .formatted(TerminalText.escape(name)));
        }
        Path socket = checkedDirectory().resolve(name + SUFFIX);
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new ControlException("control socket path %s is longer than Unix sockets allow (%d bytes)".formatted(socket, MAX_SOCKET_PATH));
        }
        return socket;
    }

    /** The xenstored socket of system {@code name}, for {@code XENSTORED_PATH}. */
    public static Path xenstoreSocket(String name) throws ControlException {
        Path control = socket(name);
        Path store = control.resolveSibling(name + XENSTORED_SUFFIX);
        if (store.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new ControlException("xenstored socket path %s is longer than Unix sockets allow (%d bytes): use a shorter --name"
                    .formatted(store, MAX_SOCKET_PATH));
        }
        return store;
    }

    /** The folder of the sockets, refused when it exists and someone else could change it (not created). */
    public static Path checkedDirectory() throws ControlException {
        Path dir = directory();
        String problem;
        try {
            problem = PrivateFolder.problem(dir, PrivateFolder.currentUid());
        } catch (IOException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            throw new ControlException(problem);
        }
        return dir;
    }

    /** Creates the folder, owner-only, if it is missing; refuses it when it is not the user's alone. */
    static Path createDirectory() throws IOException {
        return PrivateFolder.ensure(directory(), PrivateFolder.currentUid(), true);
    }

    /** The names that have a socket file, live or stale. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory())) {
            files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(SUFFIX))
                    .map(f -> f.substring(0, f.length() - SUFFIX.length())).sorted().forEach(names::add);
        } catch (IOException e) {
            // no folder: no system
        }
        return names;
    }

}
