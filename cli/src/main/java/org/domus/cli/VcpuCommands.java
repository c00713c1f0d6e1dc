package org.domus.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.VcpuInfo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code domus vcpu-list} and {@code domus vcpu-pin}: where vCPUs run, and where they may. */
final class VcpuCommands {
    private VcpuCommands() {
    }

    static String table(List<VcpuInfo> vcpus) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-32s %5s %5s %5s %5s %9s %8s  %s%n",
                "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "Thread", "Affinity"));
        for (VcpuInfo v : vcpus) {
            s.append(String.format(Locale.ROOT, "%-32s %5d %5d %5s %5s %9.1f %8s  %s%n", v.domain(), v.id(), v.vcpu(),
                    v.cpu() < 0 ? "-" : Integer.toString(v.cpu()), v.state(), v.seconds(),
                    v.thread() < 0 ? "-" : Long.toString(v.thread()), v.affinity()));
        }
        return s.toString();
    }

    @Command(name = "vcpu-list", mixinStandardHelpOptions = true,
            description = {"List the vCPUs of every domain (or of one), with their host CPUs and affinity.",
                    "Per vCPU: the host CPU it last ran on, its state (r running, b blocked, p paused, - not running),",
                    "CPU time, host thread and hard affinity."})
    static final class VcpuList implements Callable<Integer> {
        @Mixin
        ControlOptions control;

        @Option(names = "--json", description = "Print the vCPUs as one JSON array.")
        boolean json;

        @Parameters(paramLabel = "DOMAIN", arity = "0..1", description = "Only this domain (name, id or dN).")
        String domain;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws ControlException {
            List<VcpuInfo> vcpus;
            try (ControlClient client = control.connect()) {
                vcpus = client.vcpus(domain == null ? ControlClient.request("vcpu-list") : ControlClient.request("vcpu-list", domain));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? JsonOut.write(vcpus) + "\n" : table(vcpus));
            out.flush();
            return 0;
        }
    }

    @Command(name = "vcpu-pin", mixinStandardHelpOptions = true,
            description = {"Pin a domain's vCPU (or all) to host CPUs, now and after its reboots.",
                    "sched_setaffinity on its vCPU thread. CPUS is a list such as 0-1,3, or all to unpin."})
    static final class VcpuPin implements Callable<Integer> {
        @Mixin
        ControlOptions control;

        @Option(names = "--json", description = "Print the domain's vCPUs afterwards as one JSON array.")
        boolean json;

        @Parameters(index = "0", paramLabel = "DOMAIN", description = "Its name, id or dN.")
        String domain;

        @Parameters(index = "1", paramLabel = "VCPU", description = "A vCPU number, or all.")
        String vcpu;

        @Parameters(index = "2", paramLabel = "CPUS", description = "Host CPUs: 0-1,3 or all.")
        String cpus;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws ControlException {
            ObjectNode request = ControlClient.request("vcpu-pin", domain);
            request.put("vcpu", vcpu);
            request.put("cpus", cpus);
            List<VcpuInfo> vcpus;
            try (ControlClient client = control.connect()) {
                vcpus = client.vcpus(request);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? JsonOut.write(vcpus) + "\n" : table(vcpus));
            out.flush();
            return 0;
        }
    }
}
