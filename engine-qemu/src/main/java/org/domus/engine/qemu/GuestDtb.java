package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.domus.engine.DomainSpec;
import org.domus.engine.EngineException;
import org.domus.image.Arch;
import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * The one place a domain's device tree is made when QEMU's own will not do: QEMU's tree for the same machine
 * ({@code -machine dumpdtb}, nothing started), edited, then given back with {@code -dtb}. QEMU still writes
 * {@code /chosen} (command line, initrd) into the tree it is given, as for any kernel. The edits, in order: the
 * EL2 program's (a Xen guest), the UART taken away (a domain without {@code vpl011}: QEMU's virt always has a
 * PL011, Xen gives such a domU none), the edit made above the engine (a partial device tree merged), then the Xen
 * ABI's ({@code /hypervisor}).
 */
final class GuestDtb {
    static final String QEMU_DTB = "qemu.dtb";
    static final String GUEST_DTB = "guest.dtb";
    private static final int DUMP_TIMEOUT_S = 30;
    private static final Set<String> UART_COMPATIBLES = Set.of("arm,pl011");

    private GuestDtb() {
    }

    /** Whether the domain boots from a tree of ours ({@code -dtb}) rather than QEMU's own. */
    static boolean needed(DomainSpec spec) {
        return spec.arch() == Arch.ARM64 && (spec.xen() != null || spec.machine().editsTree());
    }

    static Path path(DomainSpec spec) {
        return spec.workDir().toAbsolutePath().resolve(GUEST_DTB);
    }

    /**
     * Writes {@link #GUEST_DTB} into the work folder.
     *
     * @param engineEdit the engine's own edit first (the EL2 program's), or null
     */
    static void write(QemuCommandLine cl, UnaryOperator<Fdt> engineEdit) throws EngineException {
        DomainSpec spec = cl.spec();
        byte[] dtb = edit(spec, dump(cl), engineEdit);
        try {
            Files.write(spec.workDir().resolve(GUEST_DTB), dtb);
        } catch (IOException e) {
            throw new EngineException("%s: cannot write %s: %s".formatted(spec.name(), spec.workDir().resolve(GUEST_DTB), e.getMessage()), e);
        }
    }

    /** The edits on QEMU's tree {@code qemuDtb}, in the order the class comment gives. */
    static byte[] edit(DomainSpec spec, byte[] qemuDtb, UnaryOperator<Fdt> engineEdit) throws EngineException {
        byte[] dtb;
        try {
            Fdt fdt = Fdt.fromDtb(qemuDtb);
            if (engineEdit != null) {
                fdt = engineEdit.apply(fdt);
            }
            if (!spec.machine().uart()) {
                fdt = withoutUart(fdt);
            }
            dtb = fdt.toDtb();
        } catch (FdtException | IllegalArgumentException e) {
            throw new EngineException("%s: QEMU's device tree cannot be made the guest's: %s".formatted(spec.name(), e.getMessage()), e);
        }
        if (spec.machine().treeEdit() != null) {
            try {
                dtb = spec.machine().treeEdit().apply(dtb);
            } catch (IllegalArgumentException e) {
                throw new EngineException("%s: %s".formatted(spec.name(), e.getMessage()), e);
            }
        }
        if (spec.xen() != null) {
            dtb = spec.xen().guestTree().apply(dtb);
        }
        return dtb;
    }

    /**
     * The tree without its UARTs: their nodes, the {@code /aliases} naming them and a {@code /chosen stdout-path}
     * pointing at one (by path or alias), so that neither the kernel nor its earlycon finds a console there.
     */
    static Fdt withoutUart(Fdt fdt) {
        List<String> gone = new ArrayList<>();
        for (Node child : fdt.root().children()) {
            boolean uart = child.property("compatible").map(Property::strings).orElse(List.of()).stream()
                    .anyMatch(UART_COMPATIBLES::contains);
            if (uart) {
                gone.add("/" + child.name());
            }
        }
        for (String path : gone) {
            fdt = fdt.remove(path);
        }
        List<String> aliases = new ArrayList<>();
        if (fdt.node("/aliases").isPresent()) {
            for (Property p : fdt.node("/aliases").get().properties()) {
                if (gone.contains(p.string())) {
                    aliases.add(p.name());
                }
            }
            fdt = fdt.edit("/aliases", n -> {
                Node out = n;
                for (String a : aliases) {
                    out = out.withoutProperty(a);
                }
                return out;
            });
        }
        if (fdt.node("/chosen").isPresent()) {
            fdt = fdt.edit("/chosen", n -> {
                Node out = n;
                for (String name : List.of("stdout-path", "linux,stdout-path")) {
                    var stdout = out.property(name);
                    if (stdout.isPresent()) {
                        String target = stdout.get().string().split(":", 2)[0];
                        if (gone.contains(target) || aliases.contains(target)) {
                            out = out.withoutProperty(name);
                        }
                    }
                }
                return out;
            });
        }
        return fdt;
    }

    /** QEMU's own tree for this machine: the same options, {@code -machine dumpdtb}, nothing started. */
    private static byte[] dump(QemuCommandLine cl) throws EngineException {
        DomainSpec spec = cl.spec();
        Path out = spec.workDir().resolve(QEMU_DTB);
        List<String> a = new ArrayList<>(List.of(cl.qemu().path().toString()));
        a.addAll(cl.machine());
        a.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none",
                "-m", cl.memoryMiB() + "M", "-smp", Integer.toString(spec.vcpus())));
        if (spec.xen() != null) {
            a.addAll(El2Launch.channelDevices(spec, v -> "null,id=el2c" + v));
        }
        a.addAll(List.of("-machine", "dumpdtb=" + QemuCommandLine.opt(out.toString())));
        try {
            Files.deleteIfExists(out);
            Process p = new ProcessBuilder(a).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(DUMP_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new EngineException("%s: QEMU did not dump its device tree within %d s".formatted(spec.name(), DUMP_TIMEOUT_S));
            }
            if (!Files.isRegularFile(out)) {
                throw new EngineException("%s: QEMU did not dump its device tree: %s".formatted(spec.name(), said.lines().reduce((x, y) -> y).orElse("(no output)")));
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new EngineException("%s: cannot run QEMU to dump its device tree: %s".formatted(spec.name(), e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(spec.name() + ": interrupted dumping QEMU's device tree");
        }
    }
}
