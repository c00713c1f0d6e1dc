package org.domus.dom0less;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.domus.fdt.Property;
import org.domus.image.Arch;

/**
 * Reads one {@code compatible = "xen,domain"} node and its sub-nodes into a {@link DomainConfig}, reporting what
 * is wrong with the node itself. What depends on the host or on other domains is {@link SystemRules}'s.
 */
final class DomainReader {
    /** Xen's per-domain vCPU limit on arm64 (MAX_VIRT_CPUS, xen/arch/arm/include/asm/config.h). */
    static final long MAX_VCPUS = 128;
    /** The capability bits Xen knows (DOMAIN_CAPS_MASK): control, hardware, xenstore. */
    static final long CAPABILITIES_MASK = 0x1 | 0x2 | 0x4;
    /** Largest max_grant_frames / max_maptrack_frames Xen takes (INT32_MAX; above it: "overflow"). */
    static final long MAX_FRAMES = Integer.MAX_VALUE;
    /** A domU's max_evtchn_port unless a hardware or xenstore capability lifts it (parse_dom0less_node). */
    static final long DOMU_MAX_EVTCHN_PORT = 1023;
    static final String SHARED_MEMORY = "xen,domain-shared-memory-v1";

    private final ReadContext ctx;
    private final ModuleReader modules;

    DomainReader(ReadContext ctx) {
        this.ctx = ctx;
        this.modules = new ModuleReader(ctx);
    }

    DomainConfig read(Located at) {
        Problems problems = ctx.problems;
        var node = at.node();
        CellSizes cells = CellSizes.of(at, problems);
        XenOnlyProperties xenOnly = XenOnlyProperties.check(at, cells, memoryValue(at), problems);
        KnownProperties.check(at, KnownProperties.DOMAIN, KnownProperties.IGNORED_ON_DOMAIN, xenOnly.refused(),
                problems);

        long memoryKib = memory(at);
        long cpus = cpus(at);
        boolean vpl011 = node.property("vpl011").isPresent();
        Enhanced enhanced = enhanced(at);
        long capabilities = capabilities(at);
        String cpupool = cpupool(at);
        long maxGrantFrames = frames(at, "max_grant_frames");
        long maxMaptrackFrames = frames(at, "max_maptrack_frames");
        int nrSpis = (int) node.property("nr_spis").map(Values::u32).orElse(OptionalLong.empty()).orElse(-1);
        boolean directMap = node.property("direct-map").isPresent();

        List<BootModule> found = new ArrayList<>();
        List<VcpuAffinity> vcpus = new ArrayList<>();
        List<StaticEventChannel> channels = new ArrayList<>();
        VcpuReader vcpuReader = new VcpuReader(ctx);
        EventChannelReader channelReader = new EventChannelReader(ctx);
        for (var child : node.children()) {
            Located sub = at.child(child);
            if (ModuleKind.isModule(sub)) {
                modules.read(sub, cells, false).ifPresent(found::add);
            } else if (sub.compatibleWith(VcpuReader.COMPATIBLE)) {
                vcpuReader.read(sub, cpus).ifPresent(vcpus::add);
            } else if (sub.compatibleWith(EventChannelReader.COMPATIBLE)) {
                channelReader.read(sub).ifPresent(channels::add);
            } else if (sub.compatibleWith(SHARED_MEMORY)) {
                problems.add(Rule.IGNORED_NODE, sub.path(), "static shared memory needs host-physical pages shared "
                        + "between guests, which hosted VMs do not have: ignored");
            } else {
                problems.add(Rule.UNKNOWN_NODE, sub.path(),
                        "not a boot module, xen,vcpu or xen,evtchn-v1 node: ignored");
            }
        }
        duplicateVcpuIds(vcpus);
        eventChannelPorts(channels, capabilities);

        BootModule kernel = single(found, BootModule.Kind.KERNEL, "kernel");
        BootModule ramdisk = single(found, BootModule.Kind.RAMDISK, "ramdisk");
        BootModule deviceTree = single(found, BootModule.Kind.DEVICE_TREE, "device-tree");
        if (kernel == null) {
            problems.add(Rule.MISSING_KERNEL, at.path(), "missing kernel boot module (a sub-node compatible with "
                    + "\"multiboot,kernel\", \"multiboot,module\")");
        }
        String cmdline = CommandLines.domU(at, found, kernel, problems);
        Arch arch = kernel != null && kernel.image() != null ? kernel.image().arch() : null;
        cmdline = CommandLines.forArch(cmdline, arch, at.path(), problems);

        return new DomainConfig(at.path(), node.name(), false, memoryKib, (int) cpus, vpl011, enhanced,
                kernel, ramdisk, deviceTree, cmdline, vcpus, channels, cpupool, nrSpis, directMap, xenOnly.staticMem(),
                maxGrantFrames, maxMaptrackFrames, (int) capabilities);
    }

    /** {@code memory}: exactly two cells, a 64-bit size in KiB, a whole number of 4 KiB pages. -1 when unusable. */
    private long memory(Located at) {
        Optional<Property> p = at.node().property("memory");
        if (p.isEmpty()) {
            ctx.problems.add(Rule.MEMORY_MISSING, at.path(), "cannot read \"memory\" property: missing");
            return -1;
        }
        int length = p.get().length();
        if (length != 8) {
            String is = length % 4 == 0 ? (length / 4) + (length == 4 ? " cell" : " cells") : length + " bytes";
            ctx.problems.add(Rule.MEMORY_MISSING, at.path(),
                    "cannot read \"memory\" property: %s, needs 2 cells (a 64-bit size in KiB)", is);
            return -1;
        }
        long kib = Values.number(p.get().value(), 0, 2).orElseThrow();
        if (kib == 0) {
            ctx.problems.add(Rule.MEMORY_ZERO, at.path(), "memory is 0 KiB");
        } else if (kib % 4 != 0) {
            ctx.problems.add(Rule.MEMORY_ALIGNMENT, at.path(),
                    "memory 0x%x KiB is not a whole number of 4 KiB pages", kib);
        }
        return kib;
    }

    /** The value of {@code memory} in KiB when it is two cells, without reporting anything (see {@link #memory}). */
    private static OptionalLong memoryValue(Located at) {
        return at.node().property("memory").filter(p -> p.length() == 8)
                .map(p -> Values.number(p.value(), 0, 2)).orElse(OptionalLong.empty());
    }

    /** {@code cpus}: one cell (Xen panics "Missing property 'cpus'" without it), 1 to MAX_VCPUS. */
    private long cpus(Located at) {
        OptionalLong cpus = at.node().property("cpus").map(Values::u32).orElse(OptionalLong.empty());
        if (cpus.isEmpty()) {
            ctx.problems.add(Rule.CPUS_MISSING, at.path(), "missing property 'cpus' (one cell: the number of vCPUs)");
            return -1;
        }
        long n = cpus.getAsLong();
        if (n == 0) {
            ctx.problems.add(Rule.CPUS_ZERO, at.path(), "cpus is 0");
        } else if (n > MAX_VCPUS) {
            ctx.problems.add(Rule.CPUS_RANGE, at.path(), "cpus %d exceeds Xen's limit of %d vCPUs per domain", n,
                    MAX_VCPUS);
            return -1;
        }
        return n;
    }

    /** The table of xen-abi.md 1.3: an empty or unterminated value means enabled, unknown strings disabled. */
    private Enhanced enhanced(Located at) {
        Optional<Property> p = at.node().property("xen,enhanced");
        if (p.isEmpty()) {
            return Enhanced.NONE;
        }
        byte[] v = p.get().value();
        if (v.length == 0 || v[v.length - 1] != 0) {
            return Enhanced.ENABLED;
        }
        String value = p.get().string();
        return switch (value) {
            case "enabled" -> Enhanced.ENABLED;
            case "legacy" -> Enhanced.LEGACY;
            case "no-xenstore" -> Enhanced.NO_XENSTORE;
            case "disabled" -> Enhanced.NONE;
            default -> {
                ctx.problems.add(Rule.ENHANCED_UNKNOWN, at.path(), "xen,enhanced = \"%s\" is not \"enabled\", "
                        + "\"no-xenstore\", \"legacy\" or \"disabled\": Xen treats it as disabled (no PV interfaces)",
                        value);
                yield Enhanced.NONE;
            }
        };
    }

    private long capabilities(Located at) {
        OptionalLong caps = at.node().property("capabilities").map(Values::u32).orElse(OptionalLong.empty());
        if (caps.isEmpty()) {
            return 0;
        }
        long bad = caps.getAsLong() & ~CAPABILITIES_MASK;
        if (bad != 0) {
            ctx.problems.add(Rule.CAPABILITIES_BITS, at.path(), "capabilities 0x%x has unknown bits 0x%x (Xen knows "
                    + "0x1 control, 0x2 hardware, 0x4 xenstore; Xen: \"Invalid capabilities\")", caps.getAsLong(), bad);
        }
        return caps.getAsLong() & CAPABILITIES_MASK;
    }

    /** {@code domain-cpupool}: a phandle to a "xen,cpupool" node directly under /chosen (boot-cpupool.c). */
    private String cpupool(Located at) {
        Optional<Property> p = at.node().property("domain-cpupool");
        if (p.isEmpty()) {
            return null;
        }
        if (p.get().length() != 4) {
            ctx.problems.add(Rule.CPUPOOL_TARGET, at.path(), "domain-cpupool must be one phandle cell, not %d bytes",
                    p.get().length());
            return null;
        }
        int phandle = (int) Values.cell(p.get().value(), 0);
        Optional<Located> pool = ctx.phandles.find(phandle);
        if (pool.isEmpty()) {
            ctx.problems.add(Rule.CPUPOOL_TARGET, at.path(), "domain-cpupool phandle 0x%x matches no node", phandle);
            return null;
        }
        Located target = pool.get();
        boolean underChosen = target.parent() != null && EventChannelReader.isChosen(target.parent());
        if (!target.compatibleWith(Validator.CPUPOOL) || !underChosen) {
            ctx.problems.add(Rule.CPUPOOL_TARGET, at.path(),
                    "domain-cpupool points at %s, which is not a \"%s\" node under /chosen", target.path(),
                    Validator.CPUPOOL);
            return null;
        }
        return target.path();
    }

    /** max_grant_frames / max_maptrack_frames: -1 (Xen's command-line default) when absent. */
    private long frames(Located at, String name) {
        OptionalLong v = at.node().property(name).map(Values::u32).orElse(OptionalLong.empty());
        if (v.isEmpty()) {
            return -1;
        }
        if (v.getAsLong() > MAX_FRAMES) {
            ctx.problems.add(Rule.FRAMES_OVERFLOW, at.path(), "%s (%d) overflow: Xen takes at most %d", name,
                    v.getAsLong(), MAX_FRAMES);
        }
        return v.getAsLong();
    }

    /** More than one module of a kind: Xen's kernel_probe keeps the last; Domus refuses to guess. */
    private BootModule single(List<BootModule> found, BootModule.Kind kind, String what) {
        BootModule first = null;
        for (BootModule m : found) {
            if (m.kind() != kind) {
                continue;
            }
            if (first == null) {
                first = m;
            } else {
                ctx.problems.add(Rule.DUPLICATE_MODULE, m.path(), "a second %s module in this domain (the first is %s)",
                        what, first.path());
            }
        }
        return first;
    }

    private void duplicateVcpuIds(List<VcpuAffinity> vcpus) {
        Map<Integer, String> seen = new HashMap<>();
        for (VcpuAffinity v : vcpus) {
            String before = seen.putIfAbsent(v.id(), v.path());
            if (before != null) {
                ctx.problems.add(Rule.VCPU_ID_DUPLICATE, v.path(),
                        "vCPU %d is also set by %s: Xen applies both, the last one wins", v.id(), before);
            }
        }
    }

    private void eventChannelPorts(List<StaticEventChannel> channels, long capabilities) {
        boolean unlimited = (capabilities & 0x6) != 0; // hardware or xenstore domains get max_evtchn_port = -1
        Map<Integer, String> seen = new HashMap<>();
        for (StaticEventChannel c : channels) {
            long port = c.localPort() & 0xffffffffL;
            if (!unlimited && port > DOMU_MAX_EVTCHN_PORT) {
                ctx.problems.add(Rule.EVTCHN_PORT, c.path(), "xen,evtchn port %d is above the domain's "
                        + "max_evtchn_port %d", port, DOMU_MAX_EVTCHN_PORT);
            }
            String before = seen.putIfAbsent(c.localPort(), c.path());
            if (before != null) {
                ctx.problems.add(Rule.EVTCHN_PORT_REUSED, c.path(), "port %d is also used by %s", port, before);
            }
        }
    }
}
