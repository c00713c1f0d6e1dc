package org.domus.engine.payload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import org.domus.engine.GuestArch;

/**
 * What a 64-bit little-endian ELF file says about itself: its machine, and whether it asks for a dynamic loader
 * (a PT_INTERP program header). A static busybox for the guest's architecture is the whole userland of the
 * initramfs, so both are checked before booting rather than diagnosed from a silent guest.
 *
 * @param machine   e_machine: 183 = EM_AARCH64, 62 = EM_X86_64
 * @param interpreter whether a PT_INTERP header names a loader (false for a static executable)
 */
public record ElfHeader(int machine, boolean interpreter) {
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    private static final int PT_INTERP = 3;

    public static int machineOf(GuestArch arch) {
        return switch (arch) {
            case ARM64 -> EM_AARCH64;
            case X86_64 -> EM_X86_64;
        };
    }

    /** Reads the header of {@code file}; one-line error when it is not a 64-bit little-endian ELF. */
    public static ElfHeader read(Path file) throws PayloadException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer eh = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(eh, 0);
            if (eh.position() < 64 || eh.getInt(0) != 0x464c457f || eh.get(4) != 2 || eh.get(5) != 1) {
                throw new PayloadException(file + " is not a 64-bit little-endian ELF file");
            }
            int machine = Short.toUnsignedInt(eh.getShort(18));
            long phoff = eh.getLong(32);
            int phentsize = Short.toUnsignedInt(eh.getShort(54));
            int phnum = Short.toUnsignedInt(eh.getShort(56));
            boolean interp = false;
            ByteBuffer ph = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum && !interp; i++) {
                ph.clear();
                ch.read(ph, phoff + (long) i * phentsize);
                interp = ph.getInt(0) == PT_INTERP;
            }
            return new ElfHeader(machine, interp);
        } catch (IOException e) {
            throw new PayloadException("cannot read %s: %s".formatted(file, PayloadCache.why(e)), e);
        }
    }

    public boolean isStaticFor(GuestArch arch) {
        return machine == machineOf(arch) && !interpreter;
    }
}
