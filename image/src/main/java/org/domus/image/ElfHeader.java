package org.domus.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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

    public static int machineOf(Arch arch) {
        return switch (arch) {
            case ARM64 -> EM_AARCH64;
            case X86_64 -> EM_X86_64;
        };
    }

    /** Reads the header of {@code file}; a one-line IOException when it is not a 64-bit little-endian ELF. */
    public static ElfHeader read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer eh = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(eh, 0);
            if (eh.position() < 64 || eh.getInt(0) != 0x464c457f || eh.get(4) != 2 || eh.get(5) != 1) {
                throw new NotElf(file + " is not a 64-bit little-endian ELF file");
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
        } catch (NotElf e) {
            throw e;
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
            throw new IOException("cannot read %s: %s".formatted(file, why), e);
        }
    }

    /** A readable file that is no 64-bit little-endian ELF: the message says so whole. */
    private static final class NotElf extends IOException {
        NotElf(String message) {
            super(message);
        }
    }

    public boolean isStaticFor(Arch arch) {
        return machine == machineOf(arch) && !interpreter;
    }
}
