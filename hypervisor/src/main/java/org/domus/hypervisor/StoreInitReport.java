package org.domus.hypervisor;

import java.util.List;

/**
 * The answer to init-dom0less: one line per domain, and what the guests see of it ("" when every enhanced
 * domain's engine gives its guest Xen's ABI).
 */
public record StoreInitReport(List<StoreInit> domains, String guestView) {
    public StoreInitReport {
        domains = List.copyOf(domains);
    }
}
