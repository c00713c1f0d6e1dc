package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.domus.engine.EngineException;
import org.domus.image.Arch;

/**
 * A QEMU system emulator found on the {@code PATH}. Finding it runs nothing: a boot learns QEMU's version from the
 * QMP greeting of the domain it starts anyway, and runs {@code --version} only to explain a QEMU that would not
 * start (running it up front cost every boot ~45 ms on the critical path).
 *
 * @param path the executable
 * @param arch the guests it runs
 */
public record QemuBinary(Path path, Arch arch) {
    private static final long VERSION_TIMEOUT_SECONDS = 10;

    /** The executable name for guests of {@code arch}. */
    public static String executable(Arch arch) {
        return switch (arch) {
            case ARM64 -> "qemu-system-aarch64";
            case X86_64 -> "qemu-system-x86_64";
        };
    }

    /** The Debian package that ships {@link #executable(Arch)}. */
    public static String debianPackage(Arch arch) {
        return switch (arch) {
            case ARM64 -> "qemu-system-arm";
            case X86_64 -> "qemu-system-x86";
        };
    }

    /** Finds the emulator for {@code arch}, or says in one line why there is none. */
    static Lookup find(Arch arch) {
        return find(arch, System.getenv("PATH"));
    }

    /** As {@link #find(Arch)}, searching {@code pathVar} (a {@code PATH} value). */
    static Lookup find(Arch arch, String pathVar) {
        String exe = executable(arch);
        return onPath(exe, pathVar).map(p -> new Lookup(Optional.of(new QemuBinary(p, arch)), Optional.<String>empty()))
                .orElseGet(() -> Lookup.problem("%s not found on PATH (install the Debian package %s)".formatted(exe, debianPackage(arch))));
    }

    /** What {@code --version} says, or why it said nothing usable. */
    QemuVersion askVersion() throws EngineException {
        String out;
        try {
            out = run(path, "--version");
        } catch (IOException e) {
            throw new EngineException("%s --version failed: %s".formatted(path, e.getMessage()), e);
        }
        return QemuVersion.parse(out).orElseThrow(
                () -> new EngineException("%s --version printed no version: %s".formatted(path, firstLine(out))));
    }

    /** Why {@code version} of this emulator cannot run Domus's domains, if it cannot. */
    Optional<String> refuses(QemuVersion version) {
        if (version.recentEnough()) {
            return Optional.empty();
        }
        return Optional.of("%s is QEMU %s, older than %d.%d (install a newer %s)".formatted(path, version,
                QemuVersion.OLDEST.major(), QemuVersion.OLDEST.minor(), debianPackage(arch)));
    }

    /** The first executable called {@code name} in {@code $PATH}. */
    static Optional<Path> onPath(String name) {
        return onPath(name, System.getenv("PATH"));
    }

    static Optional<Path> onPath(String name, String pathVar) {
        if (pathVar == null) {
            return Optional.empty();
        }
        for (String dir : pathVar.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String run(Path exe, String arg) throws IOException {
        Process p = new ProcessBuilder(exe.toString(), arg).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("no answer within " + VERSION_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** The emulator, or why there is none; exactly one is present. */
    record Lookup(Optional<QemuBinary> binary, Optional<String> problem) {
        static Lookup problem(String why) {
            return new Lookup(Optional.empty(), Optional.of(why));
        }
    }
}
