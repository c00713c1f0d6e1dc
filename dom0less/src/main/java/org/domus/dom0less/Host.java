package org.domus.dom0less;

/**
 * What the host can give domains: CPUs, memory, and the GIC version its domains get when the system tree has no
 * interrupt controller to read it from. Read from the running machine by {@link #current()}; tests pass fixed values
 * so that expected outputs do not depend on the machine.
 *
 * @param gicVersion 2 or 3 as the user chose it ({@code --gic-version}), or 0 when not chosen
 */
public record Host(int cpus, long memoryBytes, int gicVersion) {
    public Host(int cpus, long memoryBytes) {
        this(cpus, memoryBytes, 0);
    }

    public static Host current() {
        return new Host(Runtime.getRuntime().availableProcessors(), HostMemory.totalBytes());
    }

    public Host withGicVersion(int version) {
        return new Host(cpus, memoryBytes, version);
    }
}
