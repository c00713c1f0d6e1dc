package org.domus.dom0less;

/**
 * What the host can give domains: CPUs and memory. Read from the running machine by {@link #current()};
 * tests pass fixed values so that expected outputs do not depend on the machine.
 */
public record Host(int cpus, long memoryBytes) {
    public static Host current() {
        return new Host(Runtime.getRuntime().availableProcessors(), HostMemory.totalBytes());
    }
}
