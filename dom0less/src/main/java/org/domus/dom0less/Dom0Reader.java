package org.domus.dom0less;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.domus.fdt.Property;
import org.domus.image.Arch;

/**
 * Dom0: boot modules directly under /chosen (plus a ramdisk from {@code linux,initrd-start/-end}, as a boot
 * loader writes it). With a kernel among them the system has a Domain-0, listed first; without one, Xen runs
 * dom0less and these modules are unused.
 */
final class Dom0Reader {
    static final String NAME = "Domain-0";
    /**
     * Dom0's memory when {@code dom0_mem=} is absent. Xen on Arm falls back to the same value with a warning
     * ("PLEASE SPECIFY dom0_mem PARAMETER - USING 512M FOR NOW", domain_build.c); older releases used 128 MiB.
     */
    static final long DEFAULT_MEMORY_KIB = 512 * 1024;
    /** Dom0 is the control, hardware and xenstore domain at once. */
    static final int CAPABILITIES = 0x1 | 0x2 | 0x4;

    private final ReadContext ctx;
    private final Located chosen;
    private final List<BootModule> modules = new ArrayList<>();
    private final List<StaticEventChannel> channels = new ArrayList<>();
    private CellSizes cells;

    Dom0Reader(ReadContext ctx, Located chosen) {
        this.ctx = ctx;
        this.chosen = chosen;
    }

    /** Whether /chosen has a dom0 kernel module with non-empty bootargs (Xen then takes /chosen bootargs as its own). */
    static boolean kernelHasBootargs(Located chosen) {
        for (var child : chosen.node().children()) {
            Located at = chosen.child(child);
            if (ModuleKind.isModule(at) && ModuleKind.of(at).kind() == ModuleKind.Kind.KERNEL
                    && at.node().property("bootargs").map(p -> !p.string().isEmpty()).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    void module(Located at) {
        if (cells == null) {
            cells = CellSizes.of(chosen, ctx.problems);
        }
        new ModuleReader(ctx).read(at, cells, true).ifPresent(modules::add);
    }

    void eventChannel(Located at) {
        new EventChannelReader(ctx).read(at).ifPresent(channels::add);
    }

    /** Dom0, or empty in dom0less mode (no kernel module under /chosen). */
    Optional<DomainConfig> build(XenCommandLine xen) {
        Problems problems = ctx.problems;
        Optional<Reg> initrd = initrd();
        List<BootModule> kernels = modules.stream().filter(m -> m.kind() == BootModule.Kind.KERNEL).toList();
        if (kernels.isEmpty()) {
            boolean ramdisk = initrd.isPresent() || modules.stream().anyMatch(m -> m.kind() == BootModule.Kind.RAMDISK);
            if (ramdisk || !channels.isEmpty()) {
                problems.add(Rule.DOM0_MODULE_UNUSED, chosen.path(),
                        "a dom0 ramdisk or event channel without a dom0 kernel module: unused (dom0less)");
            }
            // unused, but the boot loader put it in memory all the same
            initrd.ifPresent(r -> ctx.loaded.add(
                    new BootModule(BootModule.Kind.RAMDISK, chosen.path(), r.address(), r.size(), null, null, null, null)));
            return Optional.empty();
        }
        List<BootModule> ramdisks = new ArrayList<>();
        // Xen scans /chosen's own properties before its children, so the initrd properties come first;
        // a ramdisk module at the same address is the same module (add_boot_module merges them)
        initrd.ifPresent(r -> ramdisks.add(
                new ModuleReader(ctx).withBytes(chosen.path(), BootModule.Kind.RAMDISK, r, null, null)));
        for (BootModule m : modules) {
            if (m.kind() == BootModule.Kind.RAMDISK && ramdisks.stream().noneMatch(r -> r.address() == m.address())) {
                ramdisks.add(m);
            }
        }
        BootModule kernel = kernels.getFirst();
        kernels.stream().skip(1).forEach(k -> problems.add(Rule.DUPLICATE_MODULE, k.path(),
                "a second dom0 kernel module (the first is %s)", kernel.path()));
        BootModule ramdisk = ramdisks.isEmpty() ? null : ramdisks.getFirst();
        ramdisks.stream().skip(1).forEach(r -> problems.add(Rule.DUPLICATE_MODULE, r.path(),
                "a second dom0 ramdisk at 0x%x (the first is %s at 0x%x)", r.address(), ramdisk.path(),
                ramdisk.address()));

        long memoryKib = xen.dom0MemKib() > 0 ? xen.dom0MemKib() & ~3L : DEFAULT_MEMORY_KIB;
        if (xen.dom0MemKib() <= 0) {
            problems.add(Rule.DOM0_MEMORY, chosen.path(), "no dom0_mem= in Xen's command line: dom0 gets 512 MiB, "
                    + "as Xen does (\"PLEASE SPECIFY dom0_mem PARAMETER\")");
        }
        String cmdline = CommandLines.dom0(chosen, kernel, problems);
        Arch arch = kernel.image() != null ? kernel.image().arch() : null;
        cmdline = CommandLines.forArch(cmdline, arch, chosen.path(), problems);
        return Optional.of(new DomainConfig(chosen.path(), NAME, true, memoryKib, cpus(xen), false, Enhanced.ENABLED,
                kernel, ramdisk, null, cmdline, List.of(), channels, null, -1, false, List.of(), -1, -1,
                CAPABILITIES));
    }

    /**
     * Dom0's vCPUs: {@code dom0_max_vcpus=} when given, else every host CPU; Xen clamps it to the online CPUs and
     * to MAX_VIRT_CPUS (domain_build.c), and so does Domus.
     */
    private int cpus(XenCommandLine xen) {
        long wanted = XenArgs.dom0MaxVcpus(xen.raw()).orElse(0);
        long cpus = wanted <= 0 || wanted > ctx.host.cpus() ? ctx.host.cpus() : wanted;
        return (int) Math.min(cpus, DomainReader.MAX_VCPUS);
    }

    /** The ramdisk a boot loader announces in /chosen (process_chosen_node): u32 or u64 start and end. */
    private Optional<Reg> initrd() {
        var node = chosen.node();
        Optional<Property> start = node.property("linux,initrd-start");
        if (start.isEmpty()) {
            return Optional.empty();
        }
        Optional<Property> end = node.property("linux,initrd-end");
        if (end.isEmpty()) {
            ctx.problems.add(Rule.INITRD_RANGE, chosen.path(), "linux,initrd-end not present but -start was");
            return Optional.empty();
        }
        OptionalLong s = address(start.get());
        OptionalLong e = address(end.get());
        if (s.isEmpty() || e.isEmpty()) {
            return Optional.empty();
        }
        if (Long.compareUnsigned(s.getAsLong(), e.getAsLong()) >= 0) {
            ctx.problems.add(Rule.INITRD_RANGE, chosen.path(), "linux,initrd limits invalid: 0x%x >= 0x%x",
                    s.getAsLong(), e.getAsLong());
            return Optional.empty();
        }
        return Optional.of(new Reg(s.getAsLong(), e.getAsLong() - s.getAsLong()));
    }

    private OptionalLong address(Property p) {
        if (p.length() != 4 && p.length() != 8) {
            ctx.problems.add(Rule.INITRD_RANGE, chosen.path(), "%s property has invalid length %d (needs 4 or 8)",
                    p.name(), p.length());
            return OptionalLong.empty();
        }
        return Values.number(p.value(), 0, p.length() / 4);
    }
}
