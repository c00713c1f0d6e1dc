package org.domus.payload;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian packages of any architecture, fetched with apt into the cache and unpacked there. A package's folder
 * is named for its version, so once it is there nothing touches the network: apt's lists are read locally,
 * and {@code apt-get update} runs only when apt does not know the package (a new architecture) or when the
 * archive no longer has the version the lists name.
 */
public final class DebianPackages {
    private static final Duration LOCAL = Duration.ofMinutes(2);
    private static final Duration NETWORK = Duration.ofMinutes(20);

    private final Path root;
    private final PrintStream progress;
    private final boolean terminal;
    private volatile boolean listsRefreshed;

    /**
     * @param cacheRoot the cache folder ({@link PayloadCache#defaultRoot()} for the usual one)
     * @param progress  where the one progress line per download goes
     * @param terminal  whether {@code progress} is a terminal, so the line may be redrawn
     */
    public DebianPackages(Path cacheRoot, PrintStream progress, boolean terminal) {
        this.root = cacheRoot;
        this.progress = progress;
        this.terminal = terminal;
    }

    /** The usual cache, progress on stderr. */
    public static DebianPackages standard() {
        return new DebianPackages(PayloadCache.defaultRoot(), System.err, DownloadProgress.stderrIsTerminal());
    }

    public Path cacheRoot() {
        return root;
    }

    /** The candidate version of {@code name} for {@code arch}, adding the architecture to dpkg first when needed. */
    public DebianPackage resolve(String name, String arch) throws PayloadException {
        return resolve(arch, List.of(name)).getFirst();
    }

    /** Several packages of one architecture at once: one apt-cache run instead of one each. */
    public List<DebianPackage> resolve(String arch, List<String> names) throws PayloadException {
        Map<String, DebianPackage> known = show(arch, names);
        if (!known.keySet().containsAll(names)) {
            String spec = names.stream().filter(n -> !known.containsKey(n)).findFirst().orElseThrow() + ":" + arch;
            try (var _ = PayloadCache.lock(root)) {
                known.putAll(show(arch, names));   // another process may have refreshed the lists while we waited
                if (!known.keySet().containsAll(names) && !listsRefreshed) {
                    addArchitecture(spec);
                    refreshListsLocked(spec);
                    known.putAll(show(arch, names));
                }
            } catch (IOException e) {
                throw new PayloadException("cannot fetch %s: cache %s: %s".formatted(spec, root, PayloadCache.why(e)), e);
            }
        }
        List<DebianPackage> found = new ArrayList<>();
        for (String name : names) {
            DebianPackage pkg = known.get(name);
            if (pkg == null) {
                throw new PayloadException("cannot fetch %s:%s: apt knows no such package, even after apt-get update".formatted(name, arch));
            }
            found.add(pkg);
        }
        return found;
    }

    /**
     * The kernel package a metapackage such as {@code linux-image-cloud-arm64} depends on today, in its unsigned
     * form ({@code linux-image-6.1.0-50-cloud-arm64-unsigned}): the same kernel without the Secure Boot
     * signature, which QEMU's {@code -kernel} does not need.
     */
    public DebianPackage kernelOf(DebianPackage metapackage) throws PayloadException {
        String image = metapackage.dependencyNames().stream().filter(n -> n.startsWith("linux-image-")).findFirst()
                .orElseThrow(() -> new PayloadException("cannot fetch %s: it depends on no linux-image package (Depends: %s)"
                        .formatted(metapackage.spec(), metapackage.depends())));
        String unsigned = image.endsWith("-unsigned") ? image : image + "-unsigned";
        DebianPackage pkg = show(metapackage.arch(), List.of(unsigned)).get(unsigned);
        return pkg != null ? pkg : resolve(image, metapackage.arch());
    }

    /** The folder the package is unpacked in (as {@code dpkg-deb -x} lays it out), fetching it first if needed. */
    public Path unpacked(DebianPackage pkg) throws PayloadException {
        Path dir = folder(pkg);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try (var _ = PayloadCache.lock(root)) {
            return Files.isDirectory(dir) ? dir : fetchLocked(pkg, dir);
        } catch (IOException e) {
            throw new PayloadException("cannot fetch %s: cache %s: %s".formatted(pkg.spec(), root, PayloadCache.why(e)), e);
        }
    }

    /** Runs {@code apt-get update} once per instance: the archive dropped a version the lists still name. */
    void refreshLists(String why) throws PayloadException {
        try (var _ = PayloadCache.lock(root)) {
            refreshListsLocked(why);
        } catch (IOException e) {
            throw new PayloadException("cannot fetch %s: cache %s: %s".formatted(why, root, PayloadCache.why(e)), e);
        }
    }

    boolean listsRefreshed() {
        return listsRefreshed;
    }

    private Path folder(DebianPackage pkg) {
        return root.resolve("debian").resolve(pkg.arch()).resolve(pkg.cacheKey());
    }

    /** What apt's lists say of the packages it knows among {@code names}; local, no network. */
    private Map<String, DebianPackage> show(String arch, List<String> names) {
        try {
            Files.createDirectories(root.resolve("apt"));
        } catch (IOException e) {
            // apt then works without saving its cache: slower, not wrong
        }
        List<String> argv = new ArrayList<>(apt("apt-cache"));
        argv.addAll(List.of("show", "--no-all-versions"));
        names.forEach(n -> argv.add(n + ":" + arch));
        HostCommand.Result r = new HostCommand(argv, null, LOCAL).run();
        Map<String, DebianPackage> found = new HashMap<>();
        for (String stanza : r.stdout().split("\n\n")) {
            DebianPackage pkg = DebianPackage.parse(stanza, arch);
            if (pkg != null && names.contains(pkg.name())) {
                found.putIfAbsent(pkg.name(), pkg);
            }
        }
        return found;
    }

    /**
     * An apt command that keeps its binary package cache in our cache folder. Debian's container images turn
     * that cache off ({@code Dir::Cache::pkgcache ""}), which makes every apt-cache call parse all the lists
     * again (1.4 s here instead of 0.35 s); apt checks the file against the lists itself, so it is never stale.
     */
    private List<String> apt(String tool) {
        return List.of(tool, "-o", "Dir::Cache::pkgcache=" + root.resolve("apt").resolve("pkgcache.bin"));
    }

    private void addArchitecture(String spec) throws PayloadException {
        String arch = spec.substring(spec.indexOf(':') + 1);
        String dpkgArch = HostCommand.of(LOCAL, "dpkg", "--print-architecture").run().stdout().strip();
        List<String> foreign = HostCommand.of(LOCAL, "dpkg", "--print-foreign-architectures").run().stdout().lines().toList();
        if (arch.equals(dpkgArch) || foreign.contains(arch)) {
            return;
        }
        HostCommand.Result r = HostCommand.of(LOCAL, "dpkg", "--add-architecture", arch).run();
        if (!r.ok()) {
            throw new PayloadException("cannot fetch %s: dpkg --add-architecture %s failed: %s".formatted(spec, arch, r.reason()));
        }
    }

    private void refreshListsLocked(String spec) throws PayloadException {
        if (listsRefreshed) {
            return;
        }
        progress.println("domus: updating apt's package lists (apt-get update) for " + spec + "…");
        List<String> argv = new ArrayList<>(apt("apt-get"));
        argv.addAll(List.of("update", "-q"));
        HostCommand.Result r = new HostCommand(argv, null, NETWORK).run();
        listsRefreshed = true;
        if (!r.ok()) {
            throw new PayloadException("cannot fetch %s: apt-get update failed: %s%s".formatted(spec, r.reason(), networkHint(r.reason())));
        }
    }

    private Path fetchLocked(DebianPackage pkg, Path dir) throws IOException, PayloadException {
        Path debian = dir.getParent().getParent();
        Files.createDirectories(dir.getParent());
        removeLeftovers(debian);
        Path work = Files.createTempDirectory(debian, "fetch-");
        try {
            Path download = Files.createDirectory(work.resolve("download"));
            DownloadProgress line = new DownloadProgress(progress, terminal, pkg, download);
            line.start();
            // As root apt drops to the _apt user to download, which cannot write into a cache under /root.
            List<String> argv = new ArrayList<>(apt("apt-get"));
            argv.addAll(List.of("download", "-q", "-o", "APT::Sandbox::User=root", pkg.spec() + "=" + pkg.version()));
            HostCommand.Result got = new HostCommand(argv, download, NETWORK).run();
            Path deb = got.ok() ? onlyDeb(download) : null;
            if (deb == null) {
                line.failed();
                throw downloadFailure(pkg, got.ok() ? "apt-get download left no .deb file" : got.reason());
            }
            line.done();
            Path unpacked = work.resolve("root");
            HostCommand.Result x = HostCommand.of(LOCAL, "dpkg-deb", "-x", deb.toString(), unpacked.toString()).run();
            if (!x.ok()) {
                throw new PayloadException("cannot unpack %s: dpkg-deb -x failed: %s".formatted(deb.getFileName(), x.reason()));
            }
            try {
                // The folder appears whole or not at all: a crash leaves only a fetch-* folder, removed next time.
                Files.move(unpacked, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // another writer got there first with the same version: same bytes
            }
            return dir;
        } finally {
            deleteTree(work);
        }
    }

    /** The one-line error for a failed download; a 404 means the lists name a version the archive dropped. */
    static PayloadException downloadFailure(DebianPackage pkg, String aptReason) {
        if (aptReason.matches(".*\\s404\\s.*")) {
            return new ListsOutdatedException("cannot fetch %s=%s: the archive no longer has it (404); apt's lists are older than the archive"
                    .formatted(pkg.spec(), pkg.version()));
        }
        return new PayloadException("cannot fetch %s: apt-get download failed: %s%s".formatted(pkg.spec(),
                // the URL apt names is long and says nothing the package name does not
                aptReason.replaceFirst("^Failed to fetch \\S+\\s+", ""), networkHint(aptReason)));
    }

    /** Added to errors that look like the network's fault, not to "no such version" and the like. */
    private static String networkHint(String aptReason) {
        return aptReason.matches("(?i).*(failed to fetch|could not (connect|resolve)|temporary failure|connection|timed out|unreachable).*")
                ? "; is the network up?" : "";
    }

    private static Path onlyDeb(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().endsWith(".deb")).toList();
            return debs.size() == 1 ? debs.getFirst() : null;
        }
    }

    /** Work folders of a process that died mid-fetch; safe to remove because the caller holds the cache lock. */
    private static void removeLeftovers(Path debian) throws IOException {
        try (Stream<Path> entries = Files.list(debian)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith("fetch-")).toList()) {
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** apt's lists name a version the archive has dropped; an {@code apt-get update} and a new resolve fix it. */
    static final class ListsOutdatedException extends PayloadException {
        ListsOutdatedException(String message) {
            super(message);
        }
    }
}
