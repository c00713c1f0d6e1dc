package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code console_io}: Xen lets dom0less domUs write to its console (they are all "console" domains there);
 * Linux uses it for early and emergency output. The bytes join the domain's console output. Input comes on the
 * PV console ring only, so a read finds nothing.
 */
final class ConsoleIo {
    static final int WRITE = 0;
    static final int READ = 1;
    /** Bytes one write may carry: Xen would preempt a longer one; Domus keeps the first part. */
    static final int MAX_WRITE = 16 * 1024;

    private ConsoleIo() {
    }

    static long call(DomainState d, GuestVirtual g, int cmd, int count, long buffer) {
        switch (cmd) {
            case WRITE -> {
                if (count < 0) {
                    throw XenError.of(Errno.EINVAL);
                }
                int n = Math.min(count, MAX_WRITE);
                MemorySegment bytes = g.copyIn(buffer, n);
                d.consoleWrite(bytes.toArray(ValueLayout.JAVA_BYTE));
                return 0;
            }
            case READ -> {
                return 0;
            }
            default -> throw XenError.of(Errno.ENOSYS);
        }
    }
}
