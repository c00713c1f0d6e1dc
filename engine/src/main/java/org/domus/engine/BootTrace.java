package org.domus.engine;

/**
 * Milestones of a boot, printed to stderr when {@code DOMUS_TRACE} is set, with the time since the first one
 * (the CLI marks {@code main}): where Domus's own start-up goes (parsing, probing, QEMU start, QMP) is then
 * visible on any machine, without a profiler.
 */
public final class BootTrace {
    private static final boolean ON = System.getenv("DOMUS_TRACE") != null;
    private static final long START = System.nanoTime();

    private BootTrace() {
    }

    public static void mark(String what) {
        if (ON) {
            System.err.printf("(trace) %7.1f ms %s [%s]%n", (System.nanoTime() - START) / 1e6, what,
                    Thread.currentThread().getName());
        }
    }
}
