package org.domus.uboot;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.image.UImageCodes;

/**
 * {@code bootm KERNEL [RAMDISK|-] [FDT]}, {@code booti} and {@code bootz}: the hand-over. The kernel slot holds the
 * hypervisor (Xen: {@code xen.ub} for bootm, a raw Arm64 Image for booti); it is checked as U-Boot checks it and
 * then stands aside, since Domus is the hypervisor here. The ramdisk slot is dom0's ramdisk, announced in /chosen as
 * U-Boot does; the FDT slot is the system tree, read from board memory with every {@code fdt} edit in it. An image
 * whose bytes a later load overwrote is refused: U-Boot would boot the damage.
 */
final class Bootm {
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** "ARM\x64" at offset 0x38 of an Arm64 Image (Linux's booting.rst; Xen's arm64 binary has the same header). */
    private static final int ARM64_MAGIC = 0x644d5241;
    /** The zImage magic at offset 0x24. */
    private static final int ZIMAGE_MAGIC = 0x016f2818;

    /** Xen on Arm's MAX_FDT_SIZE: the largest device tree it boots from. */
    static final long XEN_MAX_FDT_SIZE = 2L << 20;

    private final Replay replay;
    private final String command;
    private final List<String> notes = new ArrayList<>();

    Bootm(Replay replay, String command) {
        this.replay = replay;
        this.command = command;
    }

    BootRequest boot(List<String> a) throws CommandError {
        if (a.size() > 3) {
            throw new CommandError("usage: %s [KERNEL [RAMDISK|-] [FDT]]".formatted(command));
        }
        long kernelAt = a.isEmpty() ? replay.loadAddress : Numbers.hex(a.getFirst(), "kernel address");
        LegacyImage multi = null;
        String hypervisor;
        switch (command) {
            case "bootm" -> {
                LegacyImage image = image(kernelAt, "kernel");
                // U-Boot's order: image_get_kernel() checks the CRCs, then the architecture against the board's
                // (an arm64 U-Boot, as under Xen on Arm64), then the type; bootm then needs a boot function for the
                // OS, and the one Domus stands in for is Xen's, which mkimage marks as Linux.
                if (image.arch() != UImageCodes.ARCH_ARM64) {
                    throw new CommandError("kernel at %s is %s, built for %s, not arm64 (U-Boot: \"Unsupported Architecture 0x%x\")"
                            .formatted(Hex.of(kernelAt), image.summary(), UImageCodes.arch(image.arch()), image.arch()));
                }
                int type = image.type();
                if (type != UImageCodes.TYPE_KERNEL && type != UImageCodes.TYPE_KERNEL_NOLOAD && type != UImageCodes.TYPE_MULTI) {
                    throw new CommandError("kernel at %s is %s, not a kernel (U-Boot: \"Wrong Image Type for bootm command\")"
                            .formatted(Hex.of(kernelAt), image.summary()));
                }
                if (image.os() != UImageCodes.OS_LINUX) {
                    throw new CommandError("kernel at %s is %s, for %s: Xen's uImage is a Linux one (mkimage -O linux) (U-Boot: \"ERROR: booting os '%s' (%d) is not supported\")"
                            .formatted(Hex.of(kernelAt), image.summary(), UImageCodes.os(image.os()),
                                    UImageCodes.osDisplayName(image.os()), image.os()));
                }
                multi = type == UImageCodes.TYPE_MULTI ? image : null;
                LegacyImage.Part k = image.parts().getFirst();
                intact("the kernel", k.address(), k.size());
                hypervisor = "%s at %s, CRCs ok (%s)".formatted(image.summary(), Hex.of(kernelAt), image.loaded());
            }
            case "booti" -> hypervisor = rawKernel(kernelAt, 0x38, ARM64_MAGIC, "Arm64 Image", "Bad Linux ARM64 Image magic!");
            default -> hypervisor = rawKernel(kernelAt, 0x24, ZIMAGE_MAGIC, "zImage", "Bad Linux ARM zImage magic!");
        }
        notes.add("%s stands in for Xen: Domus is the hypervisor, so its code is not run".formatted(hypervisor));

        long[] ramdisk = ramdisk(a.size() > 1 ? a.get(1) : null, multi);
        Fdt tree = tree(a.size() > 2 ? a.get(2) : null, multi);
        long treeAt = a.size() > 2 ? Numbers.hex(a.get(2), "device tree address") : -1;
        String bootargs = replay.env("bootargs");
        Fdt handed = Chosen.apply(tree, bootargs, ramdisk == null ? -1 : ramdisk[0], ramdisk == null ? -1 : ramdisk[1]);
        if (ramdisk != null) {
            notes.add("dom0's ramdisk %s is in /chosen as linux,initrd-start/-end".formatted(Hex.range(ramdisk[0], ramdisk[1] - ramdisk[0])));
        }
        return new BootRequest(replay.location(), command, handed, treeAt, replay.memory, notes, replay.warnings);
    }

    private LegacyImage image(long address, String slot) throws CommandError {
        try {
            return LegacyImage.read(replay.memory, address);
        } catch (CommandError e) {
            throw new CommandError("%s at %s: %s%s".formatted(slot, Hex.of(address), e.getMessage(), overwrittenNote(address)));
        }
    }

    private String rawKernel(long address, int offset, int magic, String kind, String ubootSays) throws CommandError {
        BoardMemory.Load load = replay.memory.loadAt(address).orElseThrow(() ->
                new CommandError("kernel at %s: nothing was loaded there".formatted(Hex.of(address))));
        MemorySegment head = read(address, offset + 4);
        if (head.get(LE32, offset) != magic) {
            String what = LegacyImage.at(replay.memory, address) ? " (it is a uImage: boot it with bootm)" : "";
            throw new CommandError("kernel at %s is not an %s%s (%s; U-Boot: \"%s\")%s".formatted(Hex.of(address), kind, what,
                    load, ubootSays, overwrittenNote(address)));
        }
        intact("the kernel", address, load.end() - address);
        return "%s at %s (%s)".formatted(kind, Hex.of(address), load);
    }

    /** [start, end) of the ramdisk, or null for none. */
    private long[] ramdisk(String spec, LegacyImage multi) throws CommandError {
        if (spec == null || spec.equals("-")) {
            if (spec == null && multi != null && multi.parts().size() > 1) {
                LegacyImage.Part p = multi.parts().get(1);
                return new long[] {p.address(), p.address() + p.size()};
            }
            return null;
        }
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            long start = Numbers.hex(spec.substring(0, colon), "ramdisk address");
            long size = Numbers.hex(spec.substring(colon + 1), "ramdisk size");
            intact("the ramdisk", start, size);
            return new long[] {start, start + size};
        }
        long at = Numbers.hex(spec, "ramdisk address");
        if (!LegacyImage.at(replay.memory, at)) {
            throw new CommandError("ramdisk at %s is not a uImage (%s); a raw ramdisk is given as ADDR:SIZE (U-Boot: \"Wrong Ramdisk Image Format\")%s"
                    .formatted(Hex.of(at), replay.memory.describe(at, 4), overwrittenNote(at)));
        }
        LegacyImage image = image(at, "ramdisk");
        // image_get_ramdisk() wants a Linux ramdisk of the board's architecture, and says so in one message.
        if (image.os() != UImageCodes.OS_LINUX || image.arch() != UImageCodes.ARCH_ARM64
                || image.type() != UImageCodes.TYPE_RAMDISK) {
            throw new CommandError("ramdisk at %s is %s for %s, not a Linux arm64 ramdisk (U-Boot: \"No Linux AArch64 Ramdisk Image\")"
                    .formatted(Hex.of(at), image.summary(), UImageCodes.os(image.os())));
        }
        LegacyImage.Part p = image.parts().getFirst();
        intact("the ramdisk", at, UImageCodes.HEADER_SIZE + p.size());
        return new long[] {p.address(), p.address() + p.size()};
    }

    private Fdt tree(String spec, LegacyImage multi) throws CommandError {
        if (spec == null) {
            if (multi != null && multi.parts().size() > 2) {
                LegacyImage.Part p = multi.parts().get(2);
                try {
                    return Fdt.fromDtb(read(p.address(), p.size()).toArray(ValueLayout.JAVA_BYTE));
                } catch (FdtException e) {
                    throw new CommandError("the device tree in %s is corrupt: %s".formatted(multi.summary(), e.getMessage()));
                }
            }
            throw new CommandError("no device tree: %s needs the system tree in its FDT slot (%s KERNEL RAMDISK|- FDT), as Xen does"
                    .formatted(command, command));
        }
        long at = Numbers.hex(spec, "device tree address");
        if (LegacyImage.at(replay.memory, at)) {
            LegacyImage image = image(at, "device tree");
            if (image.type() != UImageCodes.TYPE_FLAT_DT) {
                throw new CommandError("device tree at %s is %s, not a flat_dt image".formatted(Hex.of(at), image.summary()));
            }
            LegacyImage.Part p = image.parts().getFirst();
            try {
                return Fdt.fromDtb(image.contents(replay.memory, p, 64L << 20));
            } catch (FdtException e) {
                throw new CommandError("the device tree in %s is corrupt: %s".formatted(image.summary(), e.getMessage()));
            }
        }
        Fdt tree = FdtCommand.read(replay, at, command);
        long total = FdtCommand.totalSize(replay, at);
        if (total > XEN_MAX_FDT_SIZE) {
            // Xen maps at most this much of the tree it boots from, and refuses a larger one before anything runs
            throw new CommandError("the device tree at %s is 0x%x bytes (totalsize); Xen boots from one of at most 2 MiB (MAX_FDT_SIZE)"
                    .formatted(Hex.of(at), total));
        }
        intact("the device tree", at, total);
        return tree;
    }

    /** Refuses an image some of whose bytes a later load wrote over. */
    private void intact(String what, long address, long size) throws CommandError {
        for (BoardMemory.Load load : replay.memory.loadsIn(address, size)) {
            List<BoardMemory.Overwrite> hits = replay.memory.overwritesOf(load, address, size);
            if (!hits.isEmpty()) {
                throw new CommandError("%s at %s was overwritten after it was loaded: %s".formatted(what,
                        Hex.range(address, size), hits.getFirst()));
            }
        }
    }

    private String overwrittenNote(long address) {
        StringBuilder s = new StringBuilder();
        for (BoardMemory.Overwrite o : replay.memory.overwrites()) {
            if (Long.compareUnsigned(o.from(), address + 4) < 0 && Long.compareUnsigned(address, o.to()) < 0) {
                s.append("; ").append(o);
            }
        }
        return s.toString();
    }

    private MemorySegment read(long address, long size) throws CommandError {
        try {
            return replay.memory.read(address, size);
        } catch (MemoryException e) {
            throw new CommandError(e.getMessage());
        }
    }
}
