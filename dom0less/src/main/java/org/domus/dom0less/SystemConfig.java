package org.domus.dom0less;

import java.util.List;

/**
 * A whole dom0less system read from a device tree: its domains in /chosen order (dom0 first when there is
 * one), Xen's command line, and every problem found while reading and validating it.
 */
public record SystemConfig(List<DomainConfig> domains, XenCommandLine xen, List<String> cpupoolPaths,
                           List<Problem> problems) {
    public SystemConfig {
        domains = List.copyOf(domains);
        cpupoolPaths = List.copyOf(cpupoolPaths);
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
