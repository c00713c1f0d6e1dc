package org.domus.hypervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One host thread as {@code /proc/<tid>/stat} shows it: its scheduler state letter, the CPU it last ran on and the
 * CPU time it has used. {@code /proc/<tid>} reaches any thread of any process by its id, so the hypervisor needs
 * no engine process id to read a vCPU thread.
 */
record ThreadStat(char state, int cpu, double seconds) {
    private static final long TICKS = CpuAffinity.clockTicks();

    /** Empty when the thread is gone. */
    static Optional<ThreadStat> read(long tid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(tid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        // the command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'
        String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15, processor is field 39
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return Optional.of(new ThreadStat(f[0].charAt(0), Integer.parseInt(f[36]), (double) ticks / TICKS));
    }
}
