package org.domus.cli;

import java.util.concurrent.Callable;

import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.StoreInit;
import org.domus.hypervisor.StoreInitReport;

import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code domus init-dom0less}: what Xen's {@code init-dom0less} does in dom0 after xenstored is up, against a running
 * system: each xen,enhanced domain gets its store page, its entries and its introduction to xenstored.
 */
final class InitDom0lessCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "init-dom0less",
            "Run init-dom0less's xenstore handshake for every xen,enhanced domain of a running system.",
            "As Xen's init-dom0less does: the store page (STORE_PFN ~0 becomes its frame), the domain's entries with "
                    + "store/port and store/ring-ref, and its ring introduced to xenstored. Safe to run again: a domain "
                    + "that had it is left as it is. `domus boot --init-dom0less` does it as each domain starts.");
    private final ControlOptions control = new ControlOptions(spec);
    private final JsonOut json = new JsonOut(spec, "Print what was done as one JSON document.");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws ControlException {
        return json.print(control.call(new ControlRequest.InitDom0less()), (out, reply) -> {
            StoreInitReport report = reply.report();
            for (StoreInit d : report.domains()) {
                out.printf("d%d %s: %s%n", d.id(), d.name(), d.outcome());
            }
            if (!report.guestView().isEmpty()) {
                out.println(report.guestView());
            }
        });
    }
}
