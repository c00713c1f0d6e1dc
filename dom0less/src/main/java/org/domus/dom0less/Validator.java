package org.domus.dom0less;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.image.ImageInfo;
import org.domus.image.ImageProbe;

/**
 * Reads a dom0less system from a device tree (Xen's booting.txt) and validates it. Where Xen panics on the
 * first problem, this reads on and reports every one, each named by its device-tree path; it never throws on
 * a malformed tree.
 */
public final class Validator {
    static final String DOMAIN = "xen,domain";
    static final String CPUPOOL = "xen,cpupool";

    private Validator() {
    }

    /** Reads the system and validates it; problems (all of them, errors and warnings) are in the result. */
    public static SystemConfig load(Fdt fdt, ModuleSource modules, Host host) {
        return load(fdt, modules, host, (MemorySegment bytes) -> ImageProbe.probe(bytes));
    }

    /**
     * As {@link #load(Fdt, ModuleSource, Host)} with the user's module files: a file at an address no module node
     * looks up is most likely a mistyped address, so every file never looked up is a warning ({@code unused-module}).
     */
    public static SystemConfig load(Fdt fdt, ModuleFiles files, Host host) {
        Set<Long> asked = ConcurrentHashMap.newKeySet();
        SystemConfig config = load(fdt, new ModuleSource() {
            @Override
            public Optional<ModuleBytes> at(long address) {
                asked.add(address);
                return files.at(address);
            }

            @Override
            public Optional<ModuleBytes> uefiBinary(String fileName) {
                return files.uefiBinary(fileName);
            }
        }, host);
        List<Problem> problems = new ArrayList<>(config.problems());
        files.files().forEach((address, file) -> {
            if (!asked.contains(address)) {
                problems.add(Problem.of(Rule.UNUSED_MODULE, "--module 0x%x=%s".formatted(address, file),
                        "no module node is at this address, so the file is not used"));
            }
        });
        return config.withProblems(problems);
    }

    /** As {@link #load(Fdt, ModuleSource, Host)} with another image probe (tests). */
    static SystemConfig load(Fdt fdt, ModuleSource modules, Host host, Function<MemorySegment, ImageInfo> probe) {
        ReadContext ctx = new ReadContext(new Phandles(fdt.root()), modules, probe, host);
        Located root = Located.root(fdt.root());
        Optional<Located> found = chosen(root);
        if (found.isEmpty()) {
            ctx.problems.add(Rule.NO_DOMAINS, "/chosen", "no /chosen node: nothing to boot");
            XenCommandLine none = new XenCommandLine("", XenArgs.DEFAULT_SCHEDULER, XenArgs.DEFAULT_CONSWITCH, -1);
            return new SystemConfig(List.of(), none, new Cpupools(ctx, root).build(none), ctx.problems.list(),
                    new Gic(Gic.DEFAULT_VERSION, "default"));
        }
        Located chosen = found.get();
        XenCommandLine xen = XenArgs.read(chosen, Dom0Reader.kernelHasBootargs(chosen), ctx.problems);

        List<DomainConfig> domUs = new ArrayList<>();
        Cpupools cpupools = new Cpupools(ctx, root);
        DomainReader domains = new DomainReader(ctx);
        Dom0Reader dom0 = new Dom0Reader(ctx, chosen);
        for (Node child : chosen.node().children()) {
            Located at = chosen.child(child);
            if (at.compatibleWith(DOMAIN)) {
                domUs.add(domains.read(at));
            } else if (ModuleKind.isModule(at)) {
                dom0.module(at);
            } else if (at.compatibleWith(CPUPOOL)) {
                cpupools.read(at, xen);
            } else if (at.compatibleWith(EventChannelReader.COMPATIBLE)) {
                dom0.eventChannel(at);
            } else if (at.compatibleWith(DomainReader.SHARED_MEMORY)) {
                ctx.problems.add(Rule.IGNORED_NODE, at.path(), "static shared memory needs host-physical pages "
                        + "shared between guests, which hosted VMs do not have: ignored");
            } else {
                notADomain(at, ctx.problems);
            }
        }

        List<DomainConfig> all = new ArrayList<>();
        dom0.build(xen).ifPresent(all::add);
        all.addAll(domUs);
        List<Cpupool> pools = cpupools.build(xen);
        new SystemRules(ctx.problems, host, xen, chosen.path()).check(all, ctx.loaded, pools, cpupools.hasNodes());
        Gic gic = GuestMachineRules.check(fdt.root(), host, all, ctx.problems);
        return new SystemConfig(all, xen, pools, ctx.problems.list(), gic);
    }

    /** /chosen, as Xen finds it: the first top-level node named "chosen" (with or without a unit address). */
    private static Optional<Located> chosen(Located root) {
        for (Node child : root.node().children()) {
            if (child.baseName().equals("chosen")) {
                return Optional.of(root.child(child));
            }
        }
        return Optional.empty();
    }

    /**
     * A /chosen child that is none of the known kinds. One that looks like a domain (memory, cpus or boot
     * modules) but lacks "xen,domain" is only a warning: Xen skips it silently, and a changed compatible is a
     * common way to switch a domain off. If it leaves no domain at all, "no-domains" says so as an error.
     */
    private static void notADomain(Located at, Problems problems) {
        List<String> signs = new ArrayList<>();
        if (at.node().property("memory").isPresent()) {
            signs.add("memory");
        }
        if (at.node().property("cpus").isPresent()) {
            signs.add("cpus");
        }
        if (at.node().children().stream().anyMatch(c -> ModuleKind.isModule(at.child(c)))) {
            signs.add("boot modules");
        }
        if (signs.isEmpty()) {
            problems.add(Rule.UNKNOWN_NODE, at.path(),
                    "not a domain, boot module, cpupool or event channel: ignored");
        } else {
            problems.add(Rule.DOMAIN_COMPATIBLE, at.path(), "has %s but its compatible lacks \"%s\": Xen skips it, "
                    + "and so does Domus", String.join(", ", signs), DOMAIN);
        }
    }
}
