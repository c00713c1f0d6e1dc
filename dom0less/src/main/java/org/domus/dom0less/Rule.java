package org.domus.dom0less;

import static org.domus.dom0less.Problem.Severity.ERROR;
import static org.domus.dom0less.Problem.Severity.WARNING;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.domus.dom0less.Problem.Severity;

/**
 * Every rule a system description can break, in one table (dtc's check table): its id (what tests and
 * {@code plan --json} name it by), its severity and what it says in one line. Every {@link Problem} is made from
 * one of these. Each error has a fixture {@code rules/bad-<id>.dts} in the tests, so a new rule without one fails
 * the build. One entry a line, grouped by what they look at; add new ones at the end of their group.
 */
public enum Rule {
    // ---- the tree and /chosen ----
    NO_DOMAINS("no-domains", ERROR, "no /chosen node, or nothing in it to boot"),
    UNKNOWN_NODE("unknown-node", WARNING, "a node of no kind Domus knows: ignored"),
    DOMAIN_COMPATIBLE("domain-compatible", WARNING, "a /chosen child that looks like a domain but is not one: skipped"),
    IGNORED_NODE("ignored-node", WARNING, "a Xen node with no meaning for a hosted VM (static shared memory): ignored"),
    UNKNOWN_PROPERTY("unknown-property", WARNING, "a property no Xen release knows for this kind of node: ignored"),
    IGNORED_PROPERTY("ignored-property", WARNING, "a valid Xen property with no meaning for a hosted VM: ignored"),
    ADDRESS_CELLS("address-cells", ERROR, "#address-cells or #size-cells is not one cell of at least 1"),
    REG_LENGTH("reg-length", ERROR, "a reg-style property is not a whole number of (address, size) pairs"),
    REG_EXTRA("reg-extra", WARNING, "a module's reg has more than one (address, size) pair: Xen uses only the first"),
    REG_RANGE("reg-range", ERROR, "an address or size does not fit in 64 bits, or the region wraps around"),
    UNIT_ADDRESS("unit-address", WARNING, "a module's unit address differs from its reg address"),
    XEN_BOOTARGS("xen-bootargs", WARNING, "an option of Xen's own command line that Xen would ignore or replace"),

    // ---- a domain node ----
    MEMORY_MISSING("memory-missing", ERROR, "a domain's memory is missing or not two cells (a 64-bit size in KiB)"),
    MEMORY_ZERO("memory-zero", ERROR, "a domain's memory is 0 KiB"),
    MEMORY_ALIGNMENT("memory-alignment", ERROR, "a domain's memory is not a whole number of 4 KiB pages"),
    CPUS_MISSING("cpus-missing", ERROR, "a domain has no cpus cell (Xen: \"Missing property 'cpus'\")"),
    CPUS_ZERO("cpus-zero", ERROR, "a domain has 0 vCPUs"),
    CPUS_RANGE("cpus-range", ERROR, "a domain has more vCPUs than Xen's per-domain limit"),
    ENHANCED_UNKNOWN("enhanced-unknown", WARNING, "xen,enhanced has a value Xen does not know: it means disabled"),
    CAPABILITIES_BITS("capabilities-bits", ERROR, "capabilities has bits Xen does not know"),
    FRAMES_OVERFLOW("frames-overflow", ERROR, "max_grant_frames or max_maptrack_frames is above INT32_MAX"),
    CPUPOOL_TARGET("cpupool-target", ERROR, "domain-cpupool is not the phandle of a xen,cpupool node under /chosen"),
    MISSING_KERNEL("missing-kernel", ERROR, "a domain has no kernel module"),
    DUPLICATE_MODULE("duplicate-module", ERROR, "a second module of one kind in one domain"),
    DOMAIN_UNIT_ADDRESS("domain-unit-address", WARNING, "a domain with a unit address: Xen loses its bootargs"),
    BOOTARGS_ORDER("bootargs-order", WARNING, "two modules of a domain have different bootargs"),
    CONSOLE_REWRITE("console-rewrite", WARNING, "console=ttyAMA0 rewritten to ttyS0 for an x86_64 kernel"),

    // ---- Xen properties Domus ignores but Xen checks at boot (dom0less-build.c, static-memory.c) ----
    STATIC_MEM_SIZE("static-mem-size", ERROR, "the xen,static-mem banks do not add up to the domain's memory"),
    DIRECT_MAP("direct-map", ERROR, "direct-map without xen,static-mem (Xen: not valid without static allocation)"),
    SVE("sve", ERROR, "sve is not empty, negative (the hardware's maximum), 0, or a multiple of 128 up to 2048"),
    TRAP_UNMAPPED_ACCESSES("trap-unmapped-accesses", ERROR, "trap-unmapped-accesses is neither 0 nor 1"),
    SCI_TYPE("sci-type", ERROR, "xen,sci_type is neither \"none\" nor \"scmi_smc\""),

    // ---- boot modules ----
    MODULE_KIND("module-kind", WARNING, "a module of a kind Domus does not boot: ignored"),
    LEGACY_MODULE("legacy-module", ERROR, "a domU module with a dom0-only compatible: Xen does not see it"),
    REG_MISSING("reg-missing", ERROR, "a module has neither reg nor xen,uefi-binary"),
    MODULE_MISSING("module-missing", ERROR, "nothing was supplied for a module (no file at its address or by its name)"),
    MODULE_SIZE("module-size", ERROR, "a module's reg size differs from the size of its file"),
    IMAGE_PROBE("image-probe", ERROR, "a module's bytes could not be examined"),
    KERNEL_FORMAT("kernel-format", ERROR, "a kernel no engine boots (not an Arm64 Image, bzImage or PVH ELF)"),
    RAMDISK_FORMAT("ramdisk-format", WARNING, "a ramdisk that is neither cpio nor gzip"),
    DTB_FORMAT("dtb-format", ERROR, "a device-tree module that is not a DTB"),
    UNUSED_MODULE("unused-module", WARNING, "a module file at an address no module node uses"),

    // ---- xen,vcpu nodes ----
    VCPU_ID_MISSING("vcpu-id-missing", ERROR, "a xen,vcpu node without an id (Xen: \"Invalid xen,vcpu node\")"),
    VCPU_ID_RANGE("vcpu-id-range", ERROR, "a xen,vcpu id is not below the domain's cpus (Xen: \"Invalid vcpu_id\")"),
    VCPU_ID_DUPLICATE("vcpu-id-duplicate", WARNING, "two xen,vcpu nodes for one vCPU: the last one wins"),
    VCPU_AFFINITY_SYNTAX("vcpu-affinity-syntax", ERROR, "hard-affinity is not a CPU list such as \"0-3,6\""),
    VCPU_AFFINITY_CPU("vcpu-affinity-cpu", ERROR, "hard-affinity names a CPU the host does not have"),

    // ---- static event channels ----
    EVTCHN_MALFORMED("evtchn-malformed", ERROR, "xen,evtchn is missing or not <port &remote>"),
    EVTCHN_PORT("evtchn-port", ERROR, "an event channel port is reserved (0) or above the domain's max_evtchn_port"),
    EVTCHN_PORT_REUSED("evtchn-port-reused", ERROR, "two event channels of one domain use one port"),
    EVTCHN_REMOTE("evtchn-remote", ERROR, "an event channel's remote is not a xen,evtchn-v1 node of a domain"),
    EVTCHN_NOT_MUTUAL("evtchn-not-mutual", ERROR, "an event channel's remote does not point back at it"),
    EVTCHN_NOT_ENHANCED("evtchn-not-enhanced", ERROR, "an event channel end in a domain without xen,enhanced, whose guest has no Xen event channels"),

    // ---- cpupools ----
    CPUPOOL_CPUS("cpupool-cpus", ERROR, "a cpupool without cpupool-cpus, or naming something that is not a host CPU"),
    CPUPOOL_SCHED("cpupool-sched", ERROR, "a cpupool's cpupool-sched is not a Xen scheduler"),
    CPUPOOL_SHARED("cpupool-shared", ERROR, "a CPU in two cpupools (Xen: \"Logical cpu N already added to a cpupool!\")"),
    CPUPOOL_AFFINITY("cpupool-affinity", ERROR, "a xen,vcpu hard-affinity with no CPU of the domain's cpupool"),
    CPUPOOL_OVERCOMMIT("cpupool-overcommit", ERROR, "a null-scheduler cpupool with more vCPUs than CPUs"),

    // ---- the guest machine and partial device trees ----
    GIC_VERSION("gic-version", ERROR, "--gic-version contradicts the system tree's interrupt controller"),
    GIC_XEN_GUEST("gic-xen-guest", ERROR, "a Xen guest on a GICv2 system (the EL2 program needs GICv3 list registers)"),
    GIC_VCPUS("gic-vcpus", ERROR, "more than 8 vCPUs on a GICv2 system"),
    DTB_PARTIAL("dtb-partial", ERROR, "a domain's partial device tree cannot be read"),
    DTB_IGNORED("dtb-ignored", WARNING, "a partial device tree node other than /passthrough, /aliases, /gic: ignored"),
    DTB_PHANDLE("dtb-phandle", ERROR, "a partial device tree phandle at or above Xen's own (65000)"),
    DTB_PHANDLE_QEMU("dtb-phandle-qemu", WARNING, "a partial device tree phandle QEMU's tree may use too"),
    DTB_PASSTHROUGH("dtb-passthrough", ERROR, "a partial device tree assigns a host device (xen,reg, xen,path)"),
    DTB_X86("dtb-x86", ERROR, "a partial device tree for an x86 guest, which boots without one"),

    // ---- dom0 ----
    DOM0_MEMORY("dom0-memory", WARNING, "no dom0_mem=: dom0 gets 512 MiB, as under Xen"),
    DOM0_MODULE_UNUSED("dom0-module-unused", WARNING, "a dom0 ramdisk or event channel without a dom0 kernel"),
    DOM0_BOOTARGS("dom0-bootargs", WARNING, "the dom0 kernel module's bootargs and xen,dom0-bootargs differ"),
    INITRD_RANGE("initrd-range", ERROR, "linux,initrd-start/-end are missing one end, malformed or reversed"),

    // ---- the whole system ----
    DUPLICATE_NAME("duplicate-name", ERROR, "two domains with one name (Xen finds bootargs by name)"),
    MEMORY_HOST("memory-host", ERROR, "one domain has more memory than the host"),
    MEMORY_TOTAL("memory-total", WARNING, "the domains together have more memory than the host"),
    IMAGES_MEMORY("images-memory", ERROR, "a domain's kernel and ramdisk do not fit in its memory"),
    CPUS_HOST("cpus-host", WARNING, "a domain has more vCPUs than the host has CPUs: they share them"),
    CPUS_HOST_NULL("cpus-host-null", ERROR, "under sched=null a domain has more vCPUs than the host has CPUs"),
    CPUS_TOTAL("cpus-total", ERROR, "under sched=null the domains have more vCPUs than the host has CPUs"),
    CAPABILITIES_DUPLICATE("capabilities-duplicate", ERROR, "a second hardware or xenstore domain"),
    MODULE_OVERLAP("module-overlap", ERROR, "two modules' bytes share memory"),

    // ---- U-Boot script replay (the uboot module) ----
    REPLAY("replay", WARNING, "a U-Boot script command the replay met with a problem"),
    MODULE_OVERWRITTEN("module-overwritten", ERROR, "a module's bytes were overwritten after the script loaded them");

    private static final Map<String, Rule> BY_ID = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Rule::id, Function.identity()));

    private final String id;
    private final Severity severity;
    private final String description;

    Rule(String id, Severity severity, String description) {
        this.id = id;
        this.severity = severity;
        this.description = description;
    }

    /** The rule's name, e.g. "module-size": stable, for tests and {@code plan --json}. */
    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    /** What breaking the rule means, in one line. */
    public String description() {
        return description;
    }

    public static Optional<Rule> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }
}
