package org.domus.dom0less;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.domus.image.Fmt;

/**
 * Module bytes from files: those given on the command line as {@code --module ADDR=FILE} (what the seed's
 * {@code tftpb ADDR FILE} would have loaded), and those a module's {@code xen,uefi-binary} names, looked up
 * in a base folder (the system DTS's, as Xen's EFI loader looks next to its config). Command-line entries
 * are checked when the source is made, so a typo fails before any planning; each file is mapped on first
 * use, once, and only the pages that probing reads are ever brought in.
 */
public final class ModuleFiles implements ModuleSource {
    /** Probing views a module through ByteBuffers for its checksums, and those stop at 2 GiB. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 16;

    private final Map<Long, Entry> byAddress;
    private final Path uefiDir;
    private final Map<Path, ModuleBytes> uefiRead = new ConcurrentHashMap<>();

    private ModuleFiles(Map<Long, Entry> byAddress, Path uefiDir) {
        this.byAddress = byAddress;
        this.uefiDir = uefiDir;
    }

    /**
     * A source from {@code --module} values ({@code ADDR=FILE}, ADDR in hex with or without 0x, as U-Boot reads it; FILE
     * relative to the working folder) and the folder {@code xen,uefi-binary} names resolve against (null:
     * none are looked up).
     *
     * @throws IllegalArgumentException naming the entry, for a malformed entry, a file that does not exist
     *                                  or cannot be read, or an address given twice
     */
    public static ModuleFiles of(List<String> modules, Path uefiDir) {
        Map<Long, Entry> byAddress = new TreeMap<>(Long::compareUnsigned);
        for (String arg : modules) {
            Entry entry = Entry.parse(arg);
            Entry before = byAddress.putIfAbsent(entry.address, entry);
            if (before != null) {
                throw new IllegalArgumentException("--module %s: address %s already given to %s"
                        .formatted(arg, Fmt.hex(entry.address), before.file));
            }
        }
        return new ModuleFiles(byAddress, uefiDir);
    }

    @Override
    public Optional<ModuleBytes> at(long address) {
        Entry entry = byAddress.get(address);
        return entry == null ? Optional.empty() : Optional.of(entry.bytes());
    }

    @Override
    public Optional<ModuleBytes> uefiBinary(String fileName) {
        if (uefiDir == null || fileName == null || fileName.isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            path = uefiDir.resolve(fileName);
        } catch (InvalidPathException e) {
            return Optional.empty();  // a name no file can have (a NUL in a DT string) names no file
        }
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        return Optional.of(uefiRead.computeIfAbsent(path.toAbsolutePath().normalize(),
                p -> new ModuleBytes(path.toString(), map(path, "xen,uefi-binary " + fileName), p)));
    }

    /**
     * The command-line files by address (in address order, files as given), so that a plan can say which
     * were given but loaded by no module node: most likely a mistyped address.
     */
    public Map<Long, String> files() {
        Map<Long, String> files = new LinkedHashMap<>();
        byAddress.forEach((address, entry) -> files.put(address, entry.file));
        return Collections.unmodifiableMap(files);
    }

    /**
     * The file mapped read-only. The mapping lives as long as something refers to it (an automatic arena),
     * like the heap array it replaces; the file's size is taken once, here, and the mapping never grows.
     */
    private static MemorySegment map(Path path, String what) {
        // Checked again here, when it is opened: a file swapped for a FIFO since it was named would block the open.
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new UncheckedIOException(new IOException("%s: cannot read %s: no longer a regular file".formatted(what, path)));
        }
        try (FileChannel channel = FileChannel.open(path)) {
            long size = channel.size();
            if (size > MAX_FILE) {
                throw new IOException("%s: larger than a module can be (2 GiB)".formatted(Fmt.size(size)));
            }
            return size == 0 ? MemorySegment.ofArray(new byte[0]) : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("%s: cannot read %s: %s".formatted(what, path, e.getMessage()), e));
        }
    }

    /** One {@code --module ADDR=FILE}, checked when parsed and read on first use. */
    private static final class Entry {
        private final String arg;
        private final long address;
        private final String file;
        private ModuleBytes bytes;

        private Entry(String arg, long address, String file) {
            this.arg = arg;
            this.address = address;
            this.file = file;
        }

        static Entry parse(String arg) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw bad(arg, "expected ADDR=FILE");
            }
            String addr = arg.substring(0, eq).strip();
            String file = arg.substring(eq + 1);
            long address = address(arg, addr);
            if (file.isEmpty()) {
                throw bad(arg, "no file name");
            }
            Path path;
            try {
                path = Path.of(file);
            } catch (InvalidPathException e) {
                throw bad(arg, "bad file name (" + e.getReason() + ")");
            }
            if (!Files.exists(path)) {
                throw bad(arg, "no such file");
            }
            if (!Files.isRegularFile(path)) {
                throw bad(arg, "not a regular file");
            }
            if (!Files.isReadable(path)) {
                throw bad(arg, "cannot read it (permission denied)");
            }
            try {
                long size = Files.size(path);
                if (size > MAX_FILE) {
                    throw bad(arg, "%s: larger than a module can be (2 GiB)".formatted(Fmt.size(size)));
                }
            } catch (IOException e) {
                throw bad(arg, "cannot read it (" + e.getMessage() + ")");
            }
            return new Entry(arg, address, file);
        }

        /**
         * Hex, with or without 0x, as U-Boot reads the address of {@code tftpb ADDR FILE} (its numbers are
         * hex by default), so a line copied from a boot script means the same here; unsigned 64-bit.
         */
        private static long address(String arg, String addr) {
            boolean prefixed = addr.startsWith("0x") || addr.startsWith("0X");
            String digits = prefixed ? addr.substring(2) : addr;
            boolean valid = !digits.isEmpty() && digits.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80);
            try {
                if (valid) {
                    return Long.parseUnsignedLong(digits, 16);
                }
            } catch (NumberFormatException e) {
                throw bad(arg, "address '%s' does not fit in 64 bits".formatted(addr));
            }
            throw bad(arg, addr.isEmpty() ? "no address" : "bad address '%s'".formatted(addr));
        }

        synchronized ModuleBytes bytes() {
            if (bytes == null) {
                bytes = new ModuleBytes(file, map(Path.of(file), "--module " + arg), Path.of(file).toAbsolutePath());
            }
            return bytes;
        }

        private static IllegalArgumentException bad(String arg, String why) {
            return new IllegalArgumentException("--module " + arg + ": " + why);
        }
    }
}
