package org.domus.hypervisor;

/**
 * One vCPU as {@code domus vcpu-list} shows it.
 *
 * @param thread   the host thread id running it (-1 when the domain is not running)
 * @param cpu      the host CPU it last ran on (-1 when unknown)
 * @param state    xl's letters: "r" running, "b" blocked (idle), "p" paused, "-" not running
 * @param affinity the host CPUs it may run on, "all" when not restricted
 */
public record VcpuInfo(String domain, int id, int vcpu, long thread, int cpu, String state, double seconds,
                       String affinity) {
}
