package org.domus.dom0less;

import java.util.Map;
import java.util.Optional;

import org.domus.fdt.Property;
import org.domus.image.ImageInfo;
import org.domus.image.XenGunzip;

/**
 * Reads one boot-module node: its kind, {@code reg}, {@code bootargs} and bytes. The bytes must be exactly
 * {@code reg}'s size, as the seed says ("the size specified should exactly match the size of the
 * Kernel/initramfs"): Xen takes every size from {@code reg} and never looks at the file.
 */
final class ModuleReader {
    private final ReadContext ctx;

    ModuleReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The module, or empty when it is not one a domain boots with (no kind, XSM policy, microcode).
     *
     * @param forDom0 whether the node sits directly under /chosen: Xen guesses a kind only there
     */
    Optional<BootModule> read(Located at, CellSizes cells, boolean forDom0) {
        Problems problems = ctx.problems;
        KnownProperties.check(at, KnownProperties.MODULE, Map.of(), problems);
        BootModule.Kind kind = kind(at, forDom0);

        String uefi = at.node().property("xen,uefi-binary").map(Property::string).orElse(null);
        Optional<Property> regProperty = at.node().property("reg");
        Optional<Reg> reg = Optional.empty();
        if (regProperty.isPresent()) {
            reg = Reg.module(regProperty.get(), cells, at.path(), problems);
            reg.ifPresent(r -> unitAddress(at, r));
        } else if (uefi == null) {
            problems.add(Rule.REG_MISSING, at.path(), "missing reg property (Xen: \"node %s missing `reg' property\")",
                    at.name());
        }
        if (kind == null) {
            return Optional.empty();
        }
        String bootargs = at.node().property("bootargs").map(Property::string).orElse(null);
        if (reg.isEmpty() && (uefi == null || regProperty.isPresent())) {
            // reg is unusable and already reported: no address to look at
            return Optional.of(new BootModule(kind, at.path(), -1, -1, bootargs, uefi, null, null));
        }
        return Optional.of(withBytes(at.path(), kind, reg.orElse(null), bootargs, uefi));
    }

    /**
     * The module with its bytes: from {@code xen,uefi-binary} when given, else from what was loaded at reg's
     * address. With reg, the bytes must be exactly reg's size; without (UEFI), the file gives the size, as the
     * EFI stub that writes reg would. Matching bytes are probed and judged for their kind.
     */
    BootModule withBytes(String path, BootModule.Kind kind, Reg reg, String bootargs, String uefi) {
        Problems problems = ctx.problems;
        long address = reg == null ? -1 : reg.address();
        long size = reg == null ? -1 : reg.size();
        Optional<ModuleBytes> bytes = fetch(path, uefi, address);
        BootModule module;
        if (bytes.isEmpty()) {
            module = new BootModule(kind, path, address, size, bootargs, uefi, null, null);
        } else if (reg != null && bytes.get().size() != size) {
            ModuleBytes got = bytes.get();
            problems.add(Rule.MODULE_SIZE, path, "reg size 0x%x does not match file size 0x%x (%s)%s", size,
                    got.size(), got.origin(), gzipNote(got, address, size));
            module = new BootModule(kind, path, address, size, bootargs, uefi, got, null);
        } else {
            ModuleBytes got = bytes.get();
            ImageInfo image = probe(path, got);
            if (image != null) {
                ImageRules.check(kind, image, path, problems);
            }
            module = new BootModule(kind, path, address, got.size(), bootargs, uefi, got, image);
        }
        ctx.loaded.add(module);
        return module;
    }

    private BootModule.Kind kind(Located at, boolean forDom0) {
        Problems problems = ctx.problems;
        ModuleKind kind = ModuleKind.of(at);
        switch (kind.kind()) {
            case UNKNOWN -> {
                int guess = ctx.nextKindless();
                if (!forDom0) {
                    problems.add(Rule.MODULE_KIND, at.path(), "compatible names no kind (multiboot,kernel, "
                            + "multiboot,ramdisk or multiboot,device-tree): Xen's domain builder ignores it");
                    return null;
                }
                if (guess < 2) {
                    BootModule.Kind guessed = guess == 0 ? BootModule.Kind.KERNEL : BootModule.Kind.RAMDISK;
                    problems.add(Rule.MODULE_KIND, at.path(), "compatible names no kind: taken as the %s, as Xen "
                            + "guesses for the %s module without one", guessed == BootModule.Kind.KERNEL ? "kernel"
                            : "ramdisk", guess == 0 ? "first" : "second");
                    return guessed;
                }
                problems.add(Rule.MODULE_KIND, at.path(), "compatible names no kind, and Xen guesses only the first "
                        + "two such modules (kernel, ramdisk): ignored");
                return null;
            }
            case XSM_POLICY -> {
                problems.add(Rule.MODULE_KIND, at.path(), "an XSM policy has no meaning for Domus: ignored");
                return null;
            }
            case MICROCODE -> {
                problems.add(Rule.MODULE_KIND, at.path(), "CPU microcode is the host's business: ignored");
                return null;
            }
            case DEVICE_TREE -> {
                if (forDom0) {
                    problems.add(Rule.MODULE_KIND, at.path(),
                            "a partial device tree is for a domU's passthrough, not dom0: ignored");
                    return null;
                }
            }
            default -> {
            }
        }
        if (kind.legacy() && !forDom0) {
            problems.add(Rule.LEGACY_MODULE, at.path(), "\"%s\" is a dom0-only compatible: Xen finds a domain's modules "
                    + "by \"%s\", so it would not see this one", kind.kind() == ModuleKind.Kind.KERNEL
                    ? "xen,linux-zimage" : "xen,linux-initrd", kind.bootKind().compatible());
        }
        return kind.bootKind();
    }

    private Optional<ModuleBytes> fetch(String path, String uefi, long address) {
        Optional<ModuleBytes> bytes;
        try {
            bytes = uefi != null ? ctx.modules.uefiBinary(uefi) : ctx.modules.at(address);
        } catch (RuntimeException e) {
            ctx.problems.add(Rule.MODULE_MISSING, path, "could not read the module: %s", e.getMessage());
            return Optional.empty();
        }
        if (bytes.isEmpty()) {
            if (uefi != null) {
                ctx.problems.add(Rule.MODULE_MISSING, path, "xen,uefi-binary file \"%s\" not found", uefi);
            } else {
                ctx.problems.add(Rule.MODULE_MISSING, path, "nothing loaded at 0x%x", address);
            }
        }
        return bytes;
    }

    private ImageInfo probe(String path, ModuleBytes bytes) {
        try {
            return ctx.probe(bytes.content());
        } catch (RuntimeException e) {
            // a probe must never take the whole validation down with it
            ctx.problems.add(Rule.IMAGE_PROBE, path, "could not recognise the bytes of %s: %s", bytes.origin(),
                    e.getMessage());
            return null;
        }
    }

    /**
     * Why a gzip module's size matters even more: Xen reads the decompressed size from the last 4 bytes of the
     * region reg delimits. When the source models memory, the note says what those bytes are and what Xen makes
     * of them.
     */
    private String gzipNote(ModuleBytes got, long address, long size) {
        if (!XenGunzip.isGzip(got.content())) {
            return "";
        }
        Optional<ModuleBytes> region = size < 4 ? Optional.empty() : ctx.modules.memory(address, size);
        if (region.isEmpty()) {
            return "; the file is gzip, and Xen reads the decompressed size from the last 4 bytes of the reg "
                    + "region, which are then not the gzip trailer";
        }
        return "; " + XenGunzip.explain(got.content(), region.get().content(), region.get().origin(), address, size);
    }

    private void unitAddress(Located at, Reg reg) {
        String unit = at.node().unitAddress();
        if (unit.isEmpty()) {
            return;
        }
        boolean same;
        try {
            same = Long.parseUnsignedLong(unit, 16) == reg.address();
        } catch (NumberFormatException e) {
            same = false;
        }
        if (!same) {
            ctx.problems.add(Rule.UNIT_ADDRESS, at.path(), "unit address %s differs from reg address 0x%x", unit,
                    reg.address());
        }
    }
}
