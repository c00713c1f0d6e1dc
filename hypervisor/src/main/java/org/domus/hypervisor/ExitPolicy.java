package org.domus.hypervisor;

import java.util.Locale;

/** What to do when a domain powers off, reboots or crashes: xl's {@code on_poweroff/on_reboot/on_crash} values. */
public enum ExitPolicy {
    /** Release the domain's resources; it stays listed as shut down or crashed. */
    DESTROY,
    /** Build and start the domain again, same id and name, from the modules kept at boot. */
    RESTART,
    /** Keep the domain as it is (its console log, its state) for inspection. */
    PRESERVE;

    public static ExitPolicy parse(String xlName) {
        return valueOf(xlName.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
