package org.domus.dom0less;

import java.util.List;

/**
 * A whole dom0less system read from a device tree: its domains in /chosen order (dom0 first when there is
 * one), Xen's command line, the GIC its domains get, and every problem found while reading and validating it.
 */
public record SystemConfig(List<DomainConfig> domains, XenCommandLine xen, List<String> cpupoolPaths,
                           List<Problem> problems, Gic gic) {
    public SystemConfig {
        domains = List.copyOf(domains);
        cpupoolPaths = List.copyOf(cpupoolPaths);
        problems = List.copyOf(problems);
    }

    /** The same system with other problems (a caller's own checks added). */
    public SystemConfig withProblems(List<Problem> problems) {
        return new SystemConfig(domains, xen, cpupoolPaths, problems, gic);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
