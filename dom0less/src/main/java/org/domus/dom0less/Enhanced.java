package org.domus.dom0less;

/** Xen's {@code xen,enhanced}: which PV interfaces a domain gets (Xen's booting.txt, dom0less-build.c). */
public enum Enhanced {
    /** absent, "disabled" or an unknown string: no PV interfaces. */
    NONE("no"),
    /** empty or "enabled": PV interfaces and a xenstore event channel, store page allocated late. */
    ENABLED("enabled"),
    /** "no-xenstore": PV interfaces without xenstore. */
    NO_XENSTORE("no-xenstore"),
    /** "legacy": as enabled, for older guests. */
    LEGACY("legacy");

    private final String label;

    Enhanced(String label) {
        this.label = label;
    }

    public boolean hasXenstore() {
        return this == ENABLED || this == LEGACY;
    }

    @Override
    public String toString() {
        return label;
    }
}
