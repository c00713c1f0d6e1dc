package org.domus.dom0less;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.domus.fdt.Property;

/**
 * Which properties each kind of node may carry. Known ones pass silently; the Xen properties that mean nothing
 * for a hosted VM are accepted with a warning saying why (so a tree written for Xen still loads); anything else
 * is an unknown property, warned about and ignored.
 */
final class KnownProperties {
    private static final Set<String> EVERY_NODE = Set.of("compatible", "name", "phandle", "linux,phandle");

    static final Set<String> DOMAIN = Set.of("memory", "cpus", "vpl011", "xen,enhanced", "capabilities",
            "domain-cpupool", "max_grant_frames", "max_maptrack_frames", "#address-cells", "#size-cells");
    static final Set<String> MODULE = Set.of("reg", "bootargs", "xen,uefi-binary");
    static final Set<String> VCPU = Set.of("id", "hard-affinity");
    static final Set<String> EVTCHN = Set.of("xen,evtchn");

    /** Xen properties with no meaning for a domain that runs as a VM on a Linux host, and why. */
    static final Map<String, String> IGNORED_ON_DOMAIN = ignoredOnDomain();

    private KnownProperties() {
    }

    private static Map<String, String> ignoredOnDomain() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nr_spis", "the number of vGIC SPIs sizes Xen's interrupt controller; each engine sizes its own");
        m.put("direct-map", "guest-physical equals host-physical has no meaning for a hosted VM");
        m.put("xen,static-mem", "a hosted VM's RAM comes from the host kernel, not from fixed host-physical banks");
        m.put("sve", "the SVE vector length is not configurable on the engines");
        m.put("llc-colors", "cache colouring needs control of host-physical placement, which a hosted VM lacks");
        m.put("trap-unmapped-accesses", "accesses to unmapped guest addresses are the engine's device model's business");
        m.put("passthrough", "a hosted VM gets no host devices passed through");
        m.put("xen,domain-p2m-mem-mb", "the P2M pool is Xen's stage-2 page-table memory; the host kernel manages a VM's");
        m.put("xen,sci_type", "Arm SCI (SCMI) mediation is not emulated");
        m.put("v8r_el1_msa", "the Armv8-R EL1 MPU/MMU choice has no meaning on the engines");
        m.put("max_grant_version", "the grant-table version limit is not enforced");
        return Map.copyOf(m);
    }

    /** Warns about each property of a node that is neither in {@code known} nor in {@code ignored}. */
    static void check(Located at, Set<String> known, Map<String, String> ignored, Problems problems) {
        check(at, known, ignored, Set.of(), problems);
    }

    /** As {@link #check(Located, Set, Map, Problems)}, saying nothing of the {@code refused} ones: they are errors. */
    static void check(Located at, Set<String> known, Map<String, String> ignored, Set<String> refused,
                      Problems problems) {
        for (Property p : at.node().properties()) {
            String name = p.name();
            if (EVERY_NODE.contains(name) || known.contains(name) || refused.contains(name)) {
                continue;
            }
            String why = ignored.get(name);
            if (why != null) {
                problems.add(Rule.IGNORED_PROPERTY, at.path(), "%s: %s; ignored", name, why);
            } else {
                problems.add(Rule.UNKNOWN_PROPERTY, at.path(), "unknown property \"%s\": ignored", name);
            }
        }
    }
}
