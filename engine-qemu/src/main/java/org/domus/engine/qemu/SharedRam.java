package org.domus.engine.qemu;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;

import org.domus.engine.EngineException;
import org.domus.engine.xen.GuestRam;

/**
 * A domain's RAM as a file both QEMU ({@code memory-backend-file,share=on}) and Domus map: a tmpfs file, so the
 * pages are memory, not disk. The name is removed once QEMU has the file open; the pages live as long as either
 * mapping. Discarding punches the pages out of the file ({@code fallocate(PUNCH_HOLE)} through FFM), which frees
 * them in QEMU too.
 */
@SuppressWarnings("restricted") // open, fallocate and close through FFM; the launcher gives this module native access
final class SharedRam implements GuestRam, AutoCloseable {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;
    private static final long PAGE = 4096;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    private static final MethodHandle FALLOCATE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("fallocate"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG), Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Path file;
    private final long base;
    private final Arena arena;
    private final MemorySegment memory;
    private final int fd;
    private final AtomicBoolean unlinked = new AtomicBoolean();

    private SharedRam(Path file, long base, Arena arena, MemorySegment memory, int fd) {
        this.file = file;
        this.base = base;
        this.arena = arena;
        this.memory = memory;
        this.fd = fd;
    }

    /** Creates {@code file} (mode 0600, replacing a stale one) of {@code size} bytes and maps it. */
    static SharedRam create(Path file, long base, long size) throws EngineException {
        try {
            long free = Files.getFileStore(file.getParent()).getUsableSpace();
            if (free < size) {
                // tmpfs hands out pages as the guest touches them: a file that cannot grow kills QEMU with SIGBUS later
                throw new EngineException("%s has %d MiB free, less than the domain's %d MiB of RAM (a container's /dev/shm is often 64 MiB)"
                        .formatted(file.getParent(), free >> 20, size >> 20));
            }
        } catch (IOException e) {
            throw new EngineException("cannot create the shared guest RAM %s: %s".formatted(file, e.getMessage()), e);
        }
        Arena arena = Arena.ofShared();
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            MemorySegment memory;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.truncate(size);
                ch.position(size - 1); // sparse: tmpfs allocates a page when it is first touched
                ch.write(java.nio.ByteBuffer.allocate(1));
                memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            int fd = open(file);
            return new SharedRam(file, base, arena, memory, fd);
        } catch (IOException | RuntimeException e) {
            arena.close();
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            throw new EngineException("cannot create the shared guest RAM %s: %s".formatted(file, e.getMessage()), e);
        }
    }

    Path file() {
        return file;
    }

    /**
     * Removes the file's name once QEMU has it open: nothing is left behind whatever happens next. Only once: by the
     * time this RAM is closed, the same name may already belong to the next boot of the domain.
     */
    void unlink() {
        if (unlinked.compareAndSet(false, true)) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the name stays until the next boot of this domain replaces it
            }
        }
    }

    @Override
    public MemorySegment memory() {
        return memory;
    }

    @Override
    public long base() {
        return base;
    }

    /** Whole pages inside {@code [gpa, gpa + length)} only; what lies outside the RAM is ignored. */
    @Override
    public void discard(long gpa, long length) {
        if (length <= 0) {
            return;
        }
        long limit = base + memory.byteSize();
        long hi = gpa + length < gpa ? limit : Math.min(gpa + length, limit); // a range past 2^64 ends at the RAM's end
        long start = (Math.max(gpa, base) - base + PAGE - 1) & -PAGE;
        long end = (hi - base) & -PAGE;
        if (end <= start) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int r = (int) FALLOCATE.invokeExact(state, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start, end - start);
            if (r != 0) {
                throw new IllegalStateException("fallocate(PUNCH_HOLE) on %s failed: errno %d".formatted(file, (int) ERRNO.get(state, 0L)));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Unmaps Domus's view (accesses after this fail with IllegalStateException) and closes the file. */
    @Override
    public void close() {
        arena.close();
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // nothing to do about a failed close
        }
        unlink();
    }

    private static int open(Path file) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, a.allocateFrom(file.toString()), O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("open failed: errno " + (int) ERRNO.get(state, 0L));
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
