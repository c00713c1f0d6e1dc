package org.domus.uboot;

import java.util.Optional;

import org.domus.dom0less.ModuleBytes;
import org.domus.dom0less.ModuleSource;

/**
 * Boot modules as Xen finds them after a U-Boot replay: in board memory. At a module's {@code reg} address is what a
 * load put there: the whole file that starts at that address (so that a {@code reg} size that differs from the file
 * is reported with both sizes), or, for an address inside a load (a ramdisk's data after its uImage header), the
 * rest of that load. The validator checks the size against {@code reg}; Xen itself would take exactly {@code reg}'s
 * bytes, which {@link #memory} gives for the messages that explain what it would then find.
 */
public final class BoardModules implements ModuleSource {
    private final BoardMemory memory;

    public BoardModules(BoardMemory memory) {
        this.memory = memory;
    }

    @Override
    public Optional<ModuleBytes> at(long address) {
        Optional<BoardMemory.Load> found = memory.loadAt(address);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        BoardMemory.Load load = found.get();
        long size = load.end() - address;
        String origin = address == load.start()
                ? "board memory %s (%s)".formatted(Hex.of(address), load.origin())
                : "board memory %s (0x%x bytes into %s)".formatted(Hex.of(address), address - load.start(), load);
        try {
            return Optional.of(new ModuleBytes(origin, memory.read(address, size), null));
        } catch (MemoryException e) {
            return Optional.empty(); // cannot happen: the load is inside memory
        }
    }

    @Override
    public Optional<ModuleBytes> uefiBinary(String fileName) {
        return Optional.empty(); // U-Boot loads every module itself; there is no EFI file system here
    }

    @Override
    public Optional<ModuleBytes> memory(long address, long size) {
        try {
            return Optional.of(new ModuleBytes("board memory " + memory.describe(address, size), memory.read(address, size), null));
        } catch (MemoryException e) {
            return Optional.empty();
        }
    }
}
