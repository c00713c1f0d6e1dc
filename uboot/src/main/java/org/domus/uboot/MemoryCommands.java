package org.domus.uboot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.domus.image.UImageCodes;

/**
 * The commands that fill board memory: {@code tftpb}, {@code load} (and {@code fatload}, {@code ext4load}),
 * {@code cp} and {@code imxtract}. Each load sets {@code filesize} and {@code fileaddr} as U-Boot does, and every
 * image it overwrites is reported.
 */
final class MemoryCommands {
    private final Replay replay;

    MemoryCommands(Replay replay) {
        this.replay = replay;
    }

    /** {@code tftpb [ADDR] [FILE]}: one argument is an address when it reads whole as hex, else a file name. */
    void tftpb(List<String> a) throws CommandError {
        long address = replay.loadAddress;
        String file;
        switch (a.size()) {
            case 0 -> file = bootfile();
            case 1 -> {
                if (Numbers.isHex(a.getFirst())) {
                    address = Numbers.hex(a.getFirst(), "address");
                    file = bootfile();
                } else {
                    file = a.getFirst();
                }
            }
            case 2 -> {
                address = Numbers.hex(a.get(0), "address");
                file = a.get(1);
            }
            default -> throw new CommandError("usage: tftpb [ADDR] [FILE]");
        }
        TftpSource source = tftpSource();
        replay.loadAddress = address;
        long start = System.nanoTime();
        BoardMemory.Loader loader = replay.memory.loader(address, "tftpb " + file, baseName(file));
        TransferProgress shown = replay.options.listener().transfer(replay.location(), source.describe(file));
        try {
            source.fetch(file, loader, (bytes, total) -> {
                try {
                    loader.expect(total);
                } catch (MemoryException e) {
                    throw new UncheckedIOException(new IOException(e.getMessage(), e));
                }
                shown.transferred(bytes, total);
            });
        } catch (IOException e) {
            throw new CommandError(e.getMessage());
        } catch (UncheckedIOException e) {
            throw new CommandError(e.getCause().getMessage());
        }
        loaded(loader, start);
    }

    private String bootfile() throws CommandError {
        String f = replay.env("bootfile");
        if (f == null || f.isEmpty()) {
            throw new CommandError("no file name given and bootfile is not set");
        }
        return f;
    }

    private TftpSource tftpSource() throws CommandError {
        if (replay.options.tftp() != null) {
            return replay.options.tftp();
        }
        String serverip = replay.env("serverip");
        if (serverip != null && !serverip.isEmpty()) {
            try {
                return TftpServer.parse(serverip);
            } catch (IllegalArgumentException e) {
                throw new CommandError("serverip: " + e.getMessage());
            }
        }
        throw new CommandError("no TFTP server: give --tftp-root DIR (a folder standing in for it) or --tftp-server "
                + "HOST[:PORT], or set serverip");
    }

    /** {@code load IFACE [DEV[:PART] [ADDR [FILE [BYTES [POS]]]]]}, and fatload/ext4load alike: files from --root. */
    void load(String command, List<String> a) throws CommandError {
        if (a.isEmpty() || a.size() > 6) {
            throw new CommandError("usage: %s INTERFACE [DEV[:PART] [ADDR [FILE [BYTES [POS]]]]]".formatted(command));
        }
        if (replay.options.root() == null) {
            throw new CommandError("no --root DIR: %s reads the files of the boot device (%s %s), which --root stands for"
                    .formatted(command, a.getFirst(), a.size() > 1 ? a.get(1) : ""));
        }
        long address = a.size() > 2 ? Numbers.hex(a.get(2), "address") : replay.loadAddress;
        String file = a.size() > 3 ? a.get(3) : bootfile();
        long bytes = a.size() > 4 ? Numbers.hex(a.get(4), "byte count") : 0;
        long pos = a.size() > 5 ? Numbers.hex(a.get(5), "file position") : 0;
        TftpRoot root = new TftpRoot(replay.options.root());
        String origin = command + " " + file;
        long start = System.nanoTime();
        BoardMemory.Loader loader = replay.memory.loader(address, origin, baseName(file));
        try {
            if (bytes == 0 && pos == 0) {
                root.fetch(file, loader, (n, total) -> {
                    try {
                        loader.expect(total);
                    } catch (MemoryException e) {
                        throw new UncheckedIOException(new IOException(e.getMessage(), e));
                    }
                });
            } else {
                Path path = root.resolve(file);
                if (Files.exists(path) && !Files.isRegularFile(path)) {
                    throw new CommandError(root.describe(file) + ": not a regular file (a directory, FIFO, socket or device)");
                }
                try (FileChannel ch = FileChannel.open(path)) {
                    long size = ch.size();
                    if (pos > size) {
                        throw new CommandError("%s: position 0x%x is past the end of the file (0x%x bytes)".formatted(root.describe(file), pos, size));
                    }
                    long n = bytes == 0 ? size - pos : Math.min(bytes, size - pos);
                    loader.expect(n);
                    var buf = ByteBuffer.allocate((int) Math.min(n, 1 << 20));
                    long done = 0;
                    while (done < n) {
                        buf.clear().limit((int) Math.min(buf.capacity(), n - done));
                        int r = ch.read(buf, pos + done);
                        if (r <= 0) {
                            break;
                        }
                        loader.write(buf.array(), 0, r);
                        done += r;
                    }
                } catch (NoSuchFileException e) {
                    throw new CommandError(root.describe(file) + ": file not found");
                } catch (MemoryException e) {
                    throw new CommandError(e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new CommandError(e.getMessage());
        } catch (UncheckedIOException e) {
            throw new CommandError(e.getCause().getMessage());
        }
        replay.loadAddress = address;
        loaded(loader, start);
    }

    private void loaded(BoardMemory.Loader loader, long startNanos) throws CommandError {
        int before = replay.memory.overwrites().size();
        BoardMemory.Load load = loader.finish();
        replay.setEnv("filesize", Long.toHexString(load.size()));
        replay.setEnv("fileaddr", Long.toHexString(load.start()));
        replay.options.listener().loaded(replay.location(), load, Duration.ofNanos(System.nanoTime() - startNanos));
        replay.noteOverwrites(before);
    }

    /** {@code cp[.b|.w|.l|.q] SRC DST COUNT}: COUNT in units of the suffix's size (default 4 bytes, as U-Boot). */
    void copy(String command, List<String> a) throws CommandError {
        if (a.size() != 3) {
            throw new CommandError("usage: cp[.b|.w|.l|.q] SOURCE TARGET COUNT");
        }
        int unit = switch (command) {
            case "cp.b" -> 1;
            case "cp.w" -> 2;
            case "cp", "cp.l" -> 4;
            case "cp.q" -> 8;
            default -> throw new CommandError("unknown size suffix in " + command);
        };
        long from = Numbers.hex(a.get(0), "address");
        long to = Numbers.hex(a.get(1), "address");
        long bytes = Numbers.hex(a.get(2), "count") * unit;
        try {
            MemorySegment data = replay.memory.read(from, bytes);
            String what = replay.memory.loadAt(from).map(l -> l.name()).orElse("memory");
            int before = replay.memory.overwrites().size();
            replay.memory.write(to, data, "cp from " + Hex.range(from, bytes), what, null);
            replay.noteOverwrites(before);
        } catch (MemoryException e) {
            throw new CommandError(e.getMessage());
        }
    }

    /** {@code imxtract ADDR PART [DEST]}: one part of a legacy multi-file image, decompressed when it says so. */
    void imxtract(List<String> a) throws CommandError {
        if (a.size() < 2 || a.size() > 3) {
            throw new CommandError("usage: imxtract ADDR PART [DEST]");
        }
        long address = Numbers.hex(a.get(0), "address");
        long part = Numbers.hex(a.get(1), "part number");
        LegacyImage image = LegacyImage.read(replay.memory, address);
        if (image.type() != UImageCodes.TYPE_MULTI) {
            throw new CommandError("%s is not a multi-file image (U-Boot: \"Wrong Image Type for imxtract command\")".formatted(image.summary()));
        }
        if (part >= image.parts().size()) {
            throw new CommandError("%s has %d parts: no part %d (U-Boot: \"Bad Image Part\")".formatted(image.summary(), image.parts().size(), part));
        }
        LegacyImage.Part p = image.parts().get((int) part);
        if (a.size() == 2) {
            if (image.compression() != UImageCodes.COMP_NONE) {
                throw new CommandError("a compressed part needs a DEST address to decompress to");
            }
            replay.setEnv("fileaddr", Long.toHexString(p.address()));
            replay.setEnv("filesize", Long.toHexString(p.size()));
            return;
        }
        long dest = Numbers.hex(a.get(2), "address");
        byte[] bytes = image.contents(replay.memory, p, replay.memory.size());
        try {
            int before = replay.memory.overwrites().size();
            BoardMemory.Load load = replay.memory.write(dest, MemorySegment.ofArray(bytes),
                    "imxtract part %d of %s".formatted(part, image.name()), image.name() + " part " + part, null);
            replay.setEnv("fileaddr", Long.toHexString(load.start()));
            replay.setEnv("filesize", Long.toHexString(load.size()));
            replay.noteOverwrites(before);
        } catch (MemoryException e) {
            throw new CommandError(e.getMessage());
        }
    }

    private static String baseName(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? file : file.substring(slash + 1);
    }
}
