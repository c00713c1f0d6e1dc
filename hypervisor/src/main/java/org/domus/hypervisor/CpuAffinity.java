package org.domus.hypervisor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.BitSet;

/**
 * The one class that calls the C library: {@code sched_setaffinity} / {@code sched_getaffinity} on a host thread
 * id (a vCPU thread of either engine), and {@code sysconf(_SC_CLK_TCK)} to read thread times. Through FFM, errno
 * captured at the call, so a failure says what the kernel said ("Invalid argument (errno 22)").
 */
@SuppressWarnings("restricted") // the one class meant to call native code; the module gets --enable-native-access
final class CpuAffinity {
    /** glibc's cpu_set_t: 1024 CPUs, 128 bytes; the kernel accepts any multiple of a long that covers its CPUs. */
    static final int MAX_CPUS = 1024;
    private static final long SET_BYTES = MAX_CPUS / 8;
    private static final int SC_CLK_TCK = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(PathElement.groupElement("errno"));
    private static final MethodHandle SET = downcall("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GET = downcall("sched_getaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SYSCONF = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("sysconf"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private CpuAffinity() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, Linker.Option.captureCallState("errno"));
    }

    /** Restricts host thread {@code tid} to {@code cpus}. */
    static void set(long tid, BitSet cpus) throws AffinityException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            MemorySegment mask = arena.allocate(SET_BYTES, 8);
            long[] words = cpus.toLongArray();
            for (int i = 0; i < words.length && i < SET_BYTES / 8; i++) {
                mask.setAtIndex(JAVA_LONG, i, words[i]); // bit n of word n/64 is CPU n, as in the kernel's mask
            }
            int rc;
            try {
                rc = (int) SET.invokeExact(state, (int) tid, SET_BYTES, mask);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (rc != 0) {
                throw failure("sched_setaffinity(" + tid + ")", (int) ERRNO.get(state, 0L));
            }
        }
    }

    /** The CPUs host thread {@code tid} may run on (0: the calling thread). */
    static BitSet get(long tid) throws AffinityException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            MemorySegment mask = arena.allocate(SET_BYTES, 8);
            int rc;
            try {
                rc = (int) GET.invokeExact(state, (int) tid, SET_BYTES, mask);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (rc < 0) {
                throw failure("sched_getaffinity(" + tid + ")", (int) ERRNO.get(state, 0L));
            }
            return BitSet.valueOf(mask.toArray(JAVA_LONG));
        }
    }

    /** Clock ticks per second, the unit of the times in /proc/&lt;tid&gt;/stat. */
    static long clockTicks() {
        try {
            long ticks = (long) SYSCONF.invokeExact(SC_CLK_TCK);
            return ticks > 0 ? ticks : 100;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static AffinityException failure(String what, int errno) {
        String text;
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            text = s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            text = "error";
        }
        return new AffinityException("%s: %s (errno %d)".formatted(what, text, errno), errno);
    }

    /** The kernel refused; the message is the call and its errno text. */
    static final class AffinityException extends Exception {
        private final int errno;

        AffinityException(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }
}
