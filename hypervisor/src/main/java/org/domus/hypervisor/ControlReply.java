package org.domus.hypervisor;

import java.util.List;

/**
 * What a running system answers a {@link ControlRequest} with when it succeeds (a refusal is one line of text, thrown
 * at the client as a {@link ControlException}). Each reply is what one or more requests name as theirs.
 */
public sealed interface ControlReply {
    /**
     * Which Domus this is ({@code system}); {@code xenstore} is its xenstored socket ("" if none), {@code started} an
     * ISO-8601 instant.
     */
    record SystemInfo(String name, long pid, String runDir, String socket, String started, int domains,
                      String xenstore) implements ControlReply {
    }

    /** One domain, as it is after the request ({@code info}, {@code pause}, {@code shutdown}…). */
    record OneDomain(DomainInfo domain) implements ControlReply {
    }

    /** The domains {@code list} shows, in id order. */
    record Domains(List<DomainInfo> domains) implements ControlReply {
        public Domains {
            domains = List.copyOf(domains);
        }
    }

    /** vCPUs, by domain then vCPU number ({@code vcpu-list}, and {@code vcpu-pin}'s domain afterwards). */
    record Vcpus(List<VcpuInfo> vcpus) implements ControlReply {
        public Vcpus {
            vcpus = List.copyOf(vcpus);
        }
    }

    /** Cpupools by id ({@code cpupool-list}). */
    record Cpupools(List<CpupoolInfo> pools) implements ControlReply {
        public Cpupools {
            pools = List.copyOf(pools);
        }
    }

    /** Domus's own events, oldest first ({@code dmesg}). */
    record Events(List<LogLine> events) implements ControlReply {
        public Events {
            events = List.copyOf(events);
        }
    }

    /** What init-dom0less did. */
    record Dom0lessInit(StoreInitReport report) implements ControlReply {
    }

    /** The answer to {@code console}: which domain, and whether this client's keys reach it. */
    record ConsoleAttached(String domain, boolean input) implements ControlReply {
    }

    /** One event of {@code dmesg}: when (an ISO-8601 instant) and what. */
    record LogLine(String time, String text) {
    }
}
