package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.domus.engine.GuestArch;

/**
 * A QEMU system emulator found on the {@code PATH}, with the version it reports.
 *
 * @param path    the executable
 * @param major   first number of {@code --version}
 * @param minor   second number
 * @param version the whole version as printed ("7.2.22")
 */
public record QemuBinary(Path path, int major, int minor, String version) {
    /** Older QEMUs lack {@code -accel tcg,thread=multi} for Arm and the SHUTDOWN reasons we rely on. */
    public static final int MIN_MAJOR = 7;
    public static final int MIN_MINOR = 0;

    private static final Pattern VERSION = Pattern.compile("version (\\d+)\\.(\\d+)(\\.\\d+)?");
    private static final long VERSION_TIMEOUT_SECONDS = 10;

    /** The executable name for guests of {@code arch}. */
    public static String executable(GuestArch arch) {
        return switch (arch) {
            case ARM64 -> "qemu-system-aarch64";
            case X86_64 -> "qemu-system-x86_64";
        };
    }

    /** The Debian package that ships {@link #executable(GuestArch)}. */
    public static String debianPackage(GuestArch arch) {
        return switch (arch) {
            case ARM64 -> "qemu-system-arm";
            case X86_64 -> "qemu-system-x86";
        };
    }

    /** Finds the emulator for {@code arch}, or says in one line why it cannot be used. */
    static Lookup find(GuestArch arch) {
        return find(arch, System.getenv("PATH"));
    }

    /** As {@link #find(GuestArch)}, searching {@code pathVar} (a {@code PATH} value). */
    static Lookup find(GuestArch arch, String pathVar) {
        String exe = executable(arch);
        Optional<Path> path = onPath(exe, pathVar);
        if (path.isEmpty()) {
            return Lookup.problem("%s not found on PATH (install the Debian package %s)".formatted(exe, debianPackage(arch)));
        }
        String out;
        try {
            out = run(path.get(), "--version");
        } catch (IOException e) {
            return Lookup.problem("%s --version failed: %s".formatted(path.get(), e.getMessage()));
        }
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            return Lookup.problem("%s --version printed no version: %s".formatted(path.get(), firstLine(out)));
        }
        var binary = new QemuBinary(path.get(), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(0).substring("version ".length()));
        if (!binary.recentEnough()) {
            return Lookup.problem("%s is QEMU %s, older than %d.%d (install a newer %s)".formatted(path.get(),
                    binary.version, MIN_MAJOR, MIN_MINOR, debianPackage(arch)));
        }
        return new Lookup(Optional.of(binary), Optional.empty());
    }

    boolean recentEnough() {
        return major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR);
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
