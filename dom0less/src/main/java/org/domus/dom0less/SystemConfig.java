package org.domus.dom0less;

import java.util.List;

/**
 * A whole dom0less system read from a device tree: its domains in /chosen order (dom0 first when there is
 * one), Xen's command line, its cpupools by id (at least Pool-0, every host CPU when no node makes pools), the GIC
 * its domains get, and every problem found while reading and validating it.
 */
public record SystemConfig(List<DomainConfig> domains, XenCommandLine xen, List<Cpupool> cpupools,
                           List<Problem> problems, Gic gic) {
    public SystemConfig {
        domains = List.copyOf(domains);
        cpupools = List.copyOf(cpupools);
        problems = List.copyOf(problems);
    }

    /** The pool {@code d} runs in: the one its {@code domain-cpupool} names, else Pool-0. */
    public Cpupool cpupool(DomainConfig d) {
        return Cpupools.of(cpupools, d);
    }

    /** The same system with other problems (a caller's own checks added). */
    public SystemConfig withProblems(List<Problem> problems) {
        return new SystemConfig(domains, xen, cpupools, problems, gic);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
