package org.domus.hypervisor;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.domus.dom0less.Cpupool;

/**
 * A cpupool of a running system: the host CPUs its domains' vCPUs may run on, and its scheduler. Under Xen's null
 * scheduler each vCPU of the pool holds a CPU of its own, and this is where who holds which is kept, so that a
 * {@code vcpu-pin} moves a vCPU only to a CPU nobody holds (null.c's pick_res: its own CPU if still allowed, else the
 * first free one allowed). A CPU is held by its vCPU for the domain's whole life in the system, across reboots and
 * a destroy (the domain can be created again).
 */
public final class CpuPool {
    private final Cpupool config;
    /** Under the null scheduler, CPU: the vCPU holding it. Guarded by this. */
    private final Map<Integer, Holder> held = new HashMap<>();

    /** A vCPU holding a CPU of a null pool. */
    record Holder(Domain domain, int vcpu) {
        @Override
        public String toString() {
            return "%s vCPU %d".formatted(domain, vcpu);
        }
    }

    CpuPool(Cpupool config) {
        this.config = config;
    }

    /** Pool-0 of a system without pool nodes: every host CPU Domus may use, under {@code scheduler}. */
    static CpuPool wholeHost(String scheduler) {
        return new CpuPool(new Cpupool(0, null, Hypervisor.hostCpus(), scheduler));
    }

    /** As {@link #wholeHost(String)} under Xen's default scheduler (stand-in domains of tests). */
    static CpuPool wholeHost() {
        return wholeHost("credit2");
    }

    /** What the plan says of it: id, name, node, CPUs and scheduler. */
    public Cpupool config() {
        return config;
    }

    /** "Pool-1 (CPUs 1)". */
    @Override
    public String toString() {
        BitSet cpus = config.cpus();
        return "%s (CPU%s %s)".formatted(config.name(), cpus.cardinality() == 1 ? "" : "s", CpuSet.format(cpus, new BitSet()));
    }

    /** The plan's placement: vCPU {@code vcpu} of {@code domain} holds {@code cpu}. */
    synchronized void hold(int cpu, Domain domain, int vcpu) {
        held.put(cpu, new Holder(domain, vcpu));
    }

    /**
     * Under the null scheduler, the CPU each of {@code vcpus} of {@code domain} holds once allowed only
     * {@code allowed}: its own if still allowed, else the first allowed CPU nobody holds. All or nothing: when one of
     * them would find none, nothing changes and the refusal says who holds them (Xen would leave that vCPU
     * waiting, never running).
     */
    synchronized Map<Integer, Integer> move(Domain domain, List<Integer> vcpus, BitSet allowed) throws ControlException {
        Map<Integer, Holder> after = new HashMap<>(held);
        Map<Integer, Integer> own = new HashMap<>();
        after.entrySet().removeIf(e -> {
            boolean mine = e.getValue().domain() == domain && vcpus.contains(e.getValue().vcpu());
            if (mine) {
                own.put(e.getValue().vcpu(), e.getKey());
            }
            return mine;
        });
        Map<Integer, Integer> placed = new HashMap<>();
        List<Integer> rest = new ArrayList<>();
        for (int v : vcpus) {
            Integer cpu = own.get(v);
            if (cpu != null && allowed.get(cpu)) {
                placed.put(v, cpu);
                after.put(cpu, new Holder(domain, v));
            } else {
                rest.add(v);
            }
        }
        for (int v : rest) {
            int cpu = allowed.nextSetBit(0);
            while (cpu >= 0 && after.containsKey(cpu)) {
                cpu = allowed.nextSetBit(cpu + 1);
            }
            if (cpu < 0) {
                List<String> holders = new ArrayList<>();
                for (int c = allowed.nextSetBit(0); c >= 0; c = allowed.nextSetBit(c + 1)) {
                    holders.add("CPU %d: %s".formatted(c, after.get(c)));
                }
                throw new ControlException(("%s: cannot pin vCPU %d to CPUs %s: %s runs the null scheduler and each of "
                        + "those CPUs is held by a vCPU of its own (%s); Xen would leave vCPU %d waiting, not assigned to "
                        + "any CPU").formatted(domain, v, CpuSet.format(allowed, new BitSet()), this,
                        String.join(", ", holders), v));
            }
            placed.put(v, cpu);
            after.put(cpu, new Holder(domain, v));
        }
        held.clear();
        held.putAll(after);
        return placed;
    }
}
