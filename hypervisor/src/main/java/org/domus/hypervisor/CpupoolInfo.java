package org.domus.hypervisor;

import java.util.List;

/**
 * One cpupool as {@code domus cpupool-list} shows it, as {@code xl cpupool-list} does.
 *
 * @param node      its {@code xen,cpupool} node, "" for the pool of the CPUs no node names
 * @param cpus      its host CPUs, ascending
 * @param domains   how many of its domains exist (those {@code domus list} shows), xl's "Domain count"
 */
public record CpupoolInfo(int id, String name, String node, List<Integer> cpus, String scheduler, int domains) {
    public CpupoolInfo {
        cpus = List.copyOf(cpus);
    }
}
