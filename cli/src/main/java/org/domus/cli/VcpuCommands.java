package org.domus.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.VcpuInfo;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code domus vcpu-list} and {@code domus vcpu-pin}: where vCPUs run, and where they may. */
final class VcpuCommands {
    private VcpuCommands() {
    }

    /** Both commands' text: the vCPUs' table. */
    private static void print(PrintWriter out, ControlReply.Vcpus reply) {
        out.print(table(reply.vcpus()));
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

    static final class VcpuList implements Callable<Integer> {
        private final CommandSpec spec = Cli.command(this, "vcpu-list",
                "List the vCPUs of every domain (or of one), with their host CPUs and affinity.",
                "Per vCPU: the host CPU it last ran on, its state (r running, b blocked, p paused, - not running), "
                        + "CPU time, host thread and hard affinity.");
        private final ControlOptions control = new ControlOptions(spec);
        private final JsonOut json = new JsonOut(spec, "Print the vCPUs as one JSON array.");
        private final PositionalParamSpec domain = Cli.optionalPositional(spec, 0, "DOMAIN", "Only this domain (name, id or dN).");

        CommandSpec spec() {
            return spec;
        }

        @Override
        public Integer call() throws ControlException {
            ControlRequest.VcpuList request = control.request(() -> new ControlRequest.VcpuList(domain.<String>getValue()));
            return json.print(control.call(request), VcpuCommands::print);
        }
    }

    static final class VcpuPin implements Callable<Integer> {
        private final CommandSpec spec = Cli.command(this, "vcpu-pin",
                "Pin a domain's vCPU (or all) to host CPUs, now and after its reboots.",
                "sched_setaffinity on its vCPU thread. CPUS is a list such as 0-1,3, or all to unpin.");
        private final ControlOptions control = new ControlOptions(spec);
        private final JsonOut json = new JsonOut(spec, "Print the domain's vCPUs afterwards as one JSON array.");
        private final PositionalParamSpec domain = Cli.positional(spec, 0, "DOMAIN", String.class, "Its name, id or dN.");
        private final PositionalParamSpec vcpu = Cli.positional(spec, 1, "VCPU", String.class, "A vCPU number, or all.");
        private final PositionalParamSpec cpus = Cli.positional(spec, 2, "CPUS", String.class, "Host CPUs: 0-1,3 or all.");

        CommandSpec spec() {
            return spec;
        }

        @Override
        public Integer call() throws ControlException {
            ControlRequest.VcpuPin request = control.request(() -> new ControlRequest.VcpuPin(domain.getValue(),
                    ControlRequest.VcpuPin.vcpu(vcpu.getValue()), cpus.getValue()));
            return json.print(control.call(request), VcpuCommands::print);
        }
    }
}
