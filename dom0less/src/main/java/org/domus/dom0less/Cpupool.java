package org.domus.dom0less;

import java.util.BitSet;

/**
 * A cpupool as Xen makes it at boot (boot-cpupool.c): the host CPUs it owns, its scheduler, and its id. Every domain
 * runs in exactly one: the one its {@code domain-cpupool} names, else Pool-0 (the one holding CPU 0). Xen's toolstack
 * names boot pools {@code Pool-<id>} (xen-init-dom0 writes those names), and so does Domus.
 *
 * @param id        Xen's pool id: /chosen order, the CPUs in no pool node as one more pool, then the pool holding CPU 0
 *                  swapped with pool 0
 * @param path      its {@code xen,cpupool} node, or null for the pool Xen adds for the CPUs no node names
 * @param cpus      its host CPUs (Xen's logical CPU n is host CPU n, as for {@code hard-affinity} and {@code vcpu-pin})
 * @param scheduler its {@code cpupool-sched}, else Xen's {@code sched=}
 */
public record Cpupool(int id, String path, BitSet cpus, String scheduler) {
    public Cpupool {
        cpus = (BitSet) cpus.clone();
    }

    @Override
    public BitSet cpus() {
        return (BitSet) cpus.clone();
    }

    public String name() {
        return "Pool-" + id;
    }

    /** Xen's null scheduler: each vCPU gets a CPU of its own, and a vCPU without one does not run. */
    public boolean nullScheduler() {
        return scheduler.equals("null");
    }

    /** "Pool-1 (/chosen/pool1, null, CPUs 1)", as plans print it. */
    public String describe() {
        return "%s (%s, %s, CPU%s %s)".formatted(name(), path == null ? "the CPUs in no xen,cpupool node" : path,
                scheduler, cpus.cardinality() == 1 ? "" : "s", Plan.CpuRanges.format(cpus));
    }
}
