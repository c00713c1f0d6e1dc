package org.domus.hypervisor;

/** The three policies of a domain; xl's defaults are destroy, restart, destroy. */
public record ExitPolicies(ExitPolicy onPoweroff, ExitPolicy onReboot, ExitPolicy onCrash) {
    public static final ExitPolicies XL_DEFAULTS = new ExitPolicies(ExitPolicy.DESTROY, ExitPolicy.RESTART, ExitPolicy.DESTROY);
}
