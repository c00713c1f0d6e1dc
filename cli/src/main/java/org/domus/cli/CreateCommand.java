package org.domus.cli;

import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.DomainInfo;

/** {@code domus create DOMAIN}: start a stopped domain of a running system again, as {@code xl create} does. */
final class CreateCommand extends DomainActions.Action<ControlRequest.Create> {
    CreateCommand() {
        super("create", "Start a domain that was shut down, crashed or destroyed, with the same id and name.",
                "It is built again from the modules kept at boot (their files must be unchanged), as a reboot does. "
                        + "`domus list --all` shows the stopped domains.");
    }

    @Override
    ControlRequest.Create request(String domain) {
        return new ControlRequest.Create(domain);
    }

    @Override
    String done(ControlRequest.Create request, DomainInfo after) {
        return after.state().equals("running") ? "running" : "started (" + after.state() + ")";
    }
}
