package org.domus.uboot;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The board's physical memory as a U-Boot script fills it: sparse, so a 4 GiB board costs only what was loaded.
 * Each load is its own off-heap segment; memory is a sorted map of non-overlapping extents, each a slice of one
 * load's segment. A later load over an earlier one cuts the earlier extents back to what is left of them (as
 * real memory would be overwritten) and the overwrite is recorded with both loads and the range, because U-Boot
 * says nothing and the first image is silently corrupted.
 *
 * <p>Reads of a range inside one extent are a slice of it, no copy; a range that spans several extents or
 * memory nothing was loaded into is copied into a new segment, and memory never written reads as zeros (real
 * DRAM holds whatever was there; zeros at least make the result repeatable). Addresses run from 0 to
 * {@link #size()}, unsigned.
 */
public final class BoardMemory {
    /** U-Boot boards of the seed's kind have a few GiB; 4 GiB also covers every 32-bit address a script can write. */
    public static final long DEFAULT_SIZE = 4L << 30;
    /**
     * The largest single load: 2 GiB, the largest module Domus can plan (its probes read a module through
     * ByteBuffers), so a larger file could never boot; refused before a byte of it is held.
     */
    public static final long MAX_LOAD = Integer.MAX_VALUE - 16;

    /**
     * One write into memory: a file loaded, an image extracted, a tree written back by {@code fdt}.
     *
     * @param origin what wrote it, for messages ("tftpb Image-DomU")
     * @param name   a short name for what it holds (the file's name), naming a script run from it
     */
    public record Load(String origin, String name, long start, long size) {
        public long end() {
            return start + size;
        }

        /** "tftpb Image-DomU at 0x2000000..0x29a1200". */
        @Override
        public String toString() {
            return origin + " at " + Hex.range(start, size);
        }
    }

    /** A range of {@code earlier} that {@code later} wrote over. */
    public record Overwrite(Load earlier, Load later, long from, long to) {
        @Override
        public String toString() {
            return "%s overwrites %s of %s".formatted(later, Hex.range(from, to - from), earlier);
        }
    }

    private record Extent(long start, MemorySegment bytes, Load load) {
        long end() {
            return start + bytes.byteSize();
        }
    }

    private final long size;
    private final TreeMap<Long, Extent> extents = new TreeMap<>(Long::compareUnsigned);
    private final List<Overwrite> overwrites = new ArrayList<>();

    public BoardMemory(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("board memory size must be positive");
        }
        this.size = size;
    }

    public long size() {
        return size;
    }

    /**
     * Writes {@code bytes} at {@code address} as one load.
     *
     * @param replacing a load whose extents this write may overwrite without it being reported (a tree written back
     *                  over itself), or null
     * @return the load, which later reads name
     * @throws MemoryException when the bytes would not fit below the end of memory
     */
    public Load write(long address, MemorySegment bytes, String origin, String name, Load replacing) throws MemoryException {
        long n = bytes.byteSize();
        checkFits(origin, address, n, n);
        Load load = new Load(origin, name, address, n);
        if (n == 0) {
            return load;
        }
        checkLoad(origin, n);
        MemorySegment own = allocate(origin, n);
        own.copyFrom(bytes);
        place(new Extent(address, own, load), replacing);
        return load;
    }

    /**
     * A stream that loads what is written to it at {@code address}, checked against the end of memory as the bytes
     * arrive; {@link Loader#finish()} places them. {@code expected} (from TFTP's tsize or a file's size, or -1) lets
     * the first check come before a single byte is sent, and names the whole size in the message.
     */
    public Loader loader(long address, String origin, String name) {
        return new Loader(address, origin, name);
    }

    /** The bytes of {@code [address, address + length)}: a slice when one load holds them all, else a copy. */
    public MemorySegment read(long address, long length) throws MemoryException {
        checkFits("read", address, length, length);
        if (length == 0) {
            return MemorySegment.ofArray(new byte[0]);
        }
        Extent e = extentAt(address);
        if (e != null && Long.compareUnsigned(address + length, e.end()) <= 0) {
            return e.bytes.asSlice(address - e.start, length).asReadOnly();
        }
        checkLoad("read", length);
        MemorySegment copy = allocate("read", length);
        for (Extent x : overlapping(address, length)) {
            long from = Math.max(address, x.start);
            long to = Math.min(address + length, x.end());
            MemorySegment.copy(x.bytes, from - x.start, copy, from - address, to - from);
        }
        return copy.asReadOnly();
    }

    /** Whether nothing at all was written in the range. */
    public boolean unwritten(long address, long length) {
        return overlapping(address, length).isEmpty();
    }

    /** The loads whose bytes are still in the range, in address order, each once. */
    public List<Load> loadsIn(long address, long length) {
        List<Load> loads = new ArrayList<>();
        for (Extent e : overlapping(address, length)) {
            if (!loads.contains(e.load)) {
                loads.add(e.load);
            }
        }
        return loads;
    }

    /** The load whose byte is at {@code address}, if any. */
    public Optional<Load> loadAt(long address) {
        Extent e = extentAt(address);
        return e == null ? Optional.empty() : Optional.of(e.load);
    }

    /** Every overwrite so far, in the order they happened. */
    public List<Overwrite> overwrites() {
        return List.copyOf(overwrites);
    }

    /** The overwrites of {@code load}'s bytes in the range. */
    public List<Overwrite> overwritesOf(Load load, long address, long length) {
        return overwrites.stream().filter(o -> o.earlier == load && Long.compareUnsigned(o.from, address + length) < 0
                && Long.compareUnsigned(address, o.to) < 0).toList();
    }

    /** One line on the range for messages: "tftpb Image-DomU at 0x2000000..0x29a1200, then nothing loaded". */
    public String describe(long address, long length) {
        List<String> parts = new ArrayList<>();
        long at = address;
        for (Extent e : overlapping(address, length)) {
            if (Long.compareUnsigned(e.start, at) > 0) {
                parts.add("0x%x bytes nothing was loaded into".formatted(e.start - at));
            }
            long from = Math.max(at, e.start);
            long to = Math.min(address + length, e.end());
            String piece = from == e.load.start && to == e.load.end() ? e.load.toString()
                    : "%s of %s".formatted(Hex.range(from, to - from), e.load);
            parts.add(piece);
            at = to;
        }
        if (Long.compareUnsigned(at, address + length) < 0) {
            parts.add(parts.isEmpty() ? "nothing loaded" : "then 0x%x bytes nothing was loaded into".formatted(address + length - at));
        }
        return String.join(", ", parts);
    }

    private void checkFits(String origin, long address, long length, long total) throws MemoryException {
        if (Long.compareUnsigned(address, size) >= 0 && !(length == 0 && address == size)
                || Long.compareUnsigned(length, size - address) > 0) {
            throw new MemoryException("load past the end of board memory: %s, 0x%x bytes at %s, ends past 0x%x, the end of the board's %s (--board-memory)"
                    .formatted(origin, total, Hex.range(address, total), size, Sizes.human(size)));
        }
    }

    private static void checkLoad(String origin, long total) throws MemoryException {
        if (total > MAX_LOAD) {
            throw new MemoryException("%s: 0x%x bytes (%s) is more than one load can be (2 GiB, the largest module Domus can boot)"
                    .formatted(origin, total, Sizes.human(total)));
        }
    }

    /**
     * Off-heap room for a load. The JVM bounds what all of them hold together (its direct-memory limit, the heap's
     * size unless set); past it the load is refused by name rather than ending the replay with an internal error.
     */
    private static MemorySegment allocate(String origin, long bytes) throws MemoryException {
        try {
            return Arena.ofAuto().allocate(bytes, 8);
        } catch (OutOfMemoryError e) {
            throw new MemoryException("%s: no room on this host for 0x%x more bytes of board memory (%s)"
                    .formatted(origin, bytes, e.getMessage()));
        }
    }

    private Extent extentAt(long address) {
        Map.Entry<Long, Extent> floor = extents.floorEntry(address);
        if (floor == null) {
            return null;
        }
        Extent e = floor.getValue();
        return Long.compareUnsigned(address, e.end()) < 0 ? e : null;
    }

    private List<Extent> overlapping(long address, long length) {
        List<Extent> out = new ArrayList<>();
        if (length == 0) {
            return out;
        }
        Long from = extents.floorKey(address);
        for (Extent e : extents.tailMap(from == null ? address : from, true).values()) {
            if (Long.compareUnsigned(e.start, address + length) >= 0) {
                break;
            }
            if (Long.compareUnsigned(e.end(), address) > 0) {
                out.add(e);
            }
        }
        return out;
    }

    private void place(Extent added, Load replacing) {
        for (Extent old : overlapping(added.start, added.bytes.byteSize())) {
            extents.remove(old.start);
            long from = Math.max(old.start, added.start);
            long to = Math.min(old.end(), added.end());
            if (old.load != replacing) {
                overwrites.add(new Overwrite(old.load, added.load, from, to));
            }
            if (Long.compareUnsigned(old.start, from) < 0) {
                extents.put(old.start, new Extent(old.start, old.bytes.asSlice(0, from - old.start), old.load));
            }
            if (Long.compareUnsigned(to, old.end()) < 0) {
                extents.put(to, new Extent(to, old.bytes.asSlice(to - old.start), old.load));
            }
        }
        extents.put(added.start, added);
    }

    /** A load in progress: bytes gathered off-heap, bounds-checked as they come, placed by {@link #finish()}. */
    public final class Loader extends OutputStream {
        private final long address;
        private final String origin;
        private final String name;
        private long expected = -1;
        private MemorySegment buffer;
        private long count;

        private Loader(long address, String origin, String name) {
            this.address = address;
            this.origin = origin;
            this.name = name;
        }

        /** The size the source announced (-1: unknown); a size past the end of memory fails at once. */
        public void expect(long total) throws MemoryException {
            if (total >= 0 && expected < 0) {
                checkFits(origin, address, total, total);
                checkLoad(origin, total);
                expected = total;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            long needed = count + len;
            try {
                checkFits(origin, address, needed, Math.max(needed, expected));
                checkLoad(origin, needed);
                if (buffer == null || needed > buffer.byteSize()) {
                    // Sized once when the source announced its size; else doubled, never past what one load can be.
                    long capacity = Math.min(MAX_LOAD, Math.max(needed,
                            Math.max(expected, buffer == null ? 64 << 10 : 2 * buffer.byteSize())));
                    MemorySegment grown = allocate(origin, capacity);
                    if (buffer != null) {
                        MemorySegment.copy(buffer, 0, grown, 0, count);
                    }
                    buffer = grown;
                }
            } catch (MemoryException e) {
                throw new IOException(e.getMessage(), e);
            }
            MemorySegment.copy(b, off, buffer, ValueLayout.JAVA_BYTE, count, len);
            count = needed;
        }

        /** Places the bytes written so far as one load. */
        public Load finish() {
            Load load = new Load(origin, name, address, count);
            if (count > 0) {
                place(new Extent(address, buffer.asSlice(0, count), load), null);
            }
            return load;
        }
    }
}
