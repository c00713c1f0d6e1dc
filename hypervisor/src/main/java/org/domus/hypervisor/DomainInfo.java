package org.domus.hypervisor;

import java.util.List;

/**
 * A domain as {@code domus list} and {@code domus info} show it (and the control protocol carries it).
 *
 * @param state        the {@link DomainState} in lower case
 * @param flags        xl's six state letters: r(unning) b(locked) p(aused) s(hutdown) c(rashed) d(ying)
 * @param cpuSeconds   CPU time of its vCPU threads since its last (re)start, as xl's Time(s)
 * @param uptimeSeconds wall time since its last (re)start
 * @param restarts     how many times it was rebuilt (reboots)
 * @param lastExit     why it last stopped, or "" if it never did
 * @param affinity     per vCPU, the host CPUs it may run on ("all" when not pinned)
 */
public record DomainInfo(int id, String name, String state, String flags, long memoryKib, int vcpus,
                         double cpuSeconds, double uptimeSeconds, int restarts, String lastExit, String engine,
                         String kernel, String ramdisk, String cmdline, String runDir, List<String> affinity) {
}
