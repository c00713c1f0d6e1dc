package org.domus.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second local user, made with {@code useradd} for one test and removed after it, who runs {@code domus} as
 * another user of the machine would: {@code setpriv} to their uid, no {@code XDG_RUNTIME_DIR}, this test run's
 * classes (the jars copied where they can read them: the Maven repository is root's alone). Needs root.
 */
final class OtherUser implements AutoCloseable {
    private final String name;
    private final long uid;
    private final long gid;
    private final Path shared;
    private final String classpath;

    private OtherUser(String name, long uid, long gid, Path shared, String classpath) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.shared = shared;
        this.classpath = classpath;
    }

    static OtherUser create() throws IOException, InterruptedException {
        assumeTrue("0".equals(run("id", "-u").strip()), "making a user needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "useradd and setpriv are needed");
        String name = "domus-t" + ProcessHandle.current().pid();
        run("/usr/sbin/useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name);
        try {
            long uid = Long.parseLong(run("id", "-u", name).strip());
            long gid = Long.parseLong(run("id", "-g", name).strip());
            Path shared = Files.createTempDirectory("domus-user-");
            readable(shared);
            List<String> cp = new ArrayList<>();
            for (String prop : List.of("jdk.module.path", "java.class.path")) {
                String v = System.getProperty(prop);
                if (v == null || v.isEmpty()) {
                    continue;
                }
                for (String entry : v.split(File.pathSeparator)) {
                    Path p = Path.of(entry);
                    if (Files.isRegularFile(p)) {
                        Path copy = shared.resolve(cp.size() + "-" + p.getFileName());
                        Files.copy(p, copy);
                        readable(copy);
                        cp.add(copy.toString());
                    } else {
                        cp.add(entry);   // the modules' target/classes: readable by all
                    }
                }
            }
            return new OtherUser(name, uid, gid, shared, String.join(File.pathSeparator, cp));
        } catch (IOException | RuntimeException e) {
            run("/usr/sbin/userdel", name);
            throw e;
        }
    }

    long uid() {
        return uid;
    }

    /** A folder this user can read, for the files a test gives them. */
    Path shared() {
        return shared;
    }

    /** {@code domus ARGS} as this user, with {@code jvmArgs} before the main class, in a session with no XDG_RUNTIME_DIR. */
    ProcessBuilder domus(List<String> jvmArgs, String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath));
        cmd.addAll(jvmArgs);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(shared.toFile());
        pb.environment().remove("XDG_RUNTIME_DIR");
        pb.environment().put("HOME", shared.toString());
        return pb;
    }

    /** Makes {@code p} readable (and a folder enterable) by every user. */
    static void readable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("/usr/sbin/userdel", name);
        try (Stream<Path> all = Files.walk(shared)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
    }
}
