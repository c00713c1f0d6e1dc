package org.domus.engine.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.domus.engine.EngineException;

/**
 * The EL2 program under every enhanced domain (its source is {@code src/main/el2}; the build assembles it into
 * this module's resources). Its layout is fixed by its linker script: QEMU loads it at RAM base + 2 MiB, one 4 KiB
 * channel page per vCPU follows its code, and the guest kernel goes at the next 2 MiB boundary.
 */
record El2Program(byte[] image) {
    static final String RESOURCE = "el2.bin";
    static final long RAM_BASE = 0x4000_0000L;
    static final long LOAD_ADDRESS = RAM_BASE + 0x20_0000L;
    static final long CHANNEL_PAGES = LOAD_ADDRESS + 0x1_0000L;
    static final long CHANNEL_PAGE = 0x1000;
    /** The program's vCPU limit (MAX_VCPUS in el2.c), also the number of virtio-mmio slots it may take. */
    static final int MAX_VCPUS = 16;
    /** Where the guest kernel is placed: the first 2 MiB boundary after the program (an Arm64 Image's alignment). */
    static final long GUEST_KERNEL = LOAD_ADDRESS + 0x20_0000L;
    private static final int IMAGE_SIZE_OFFSET = 16;
    private static final int GUEST_ENTRY_OFFSET = 0x40;

    static El2Program load() throws EngineException {
        try (InputStream in = El2Program.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new EngineException("the EL2 program (resource %s) is missing from this build of Domus".formatted(RESOURCE));
            }
            return new El2Program(in.readAllBytes());
        } catch (IOException e) {
            throw new EngineException("cannot read the EL2 program: " + e.getMessage(), e);
        }
    }

    /** Bytes from the load address the program keeps for itself (code, data, channel pages, stacks). */
    long footprint() {
        return ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getLong(IMAGE_SIZE_OFFSET);
    }

    /** Writes a copy that enters the guest at {@code entry}. */
    void writeTo(Path file, long entry) throws EngineException {
        byte[] copy = image.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(GUEST_ENTRY_OFFSET, entry);
        try {
            Files.write(file, copy);
        } catch (IOException e) {
            throw new EngineException("cannot write the EL2 program to %s: %s".formatted(file, e.getMessage()), e);
        }
    }

    /** The virtio-mmio slot of vCPU {@code k}'s channel: virt's transports are taken from the last one down. */
    static int slot(int vcpu) {
        return 31 - vcpu;
    }

    /** The DTB node QEMU writes for that slot (its transports are 0x200 apart from 0x0a000000). */
    static String slotNode(int vcpu) {
        return "/virtio_mmio@%x".formatted(0x0a00_0000L + 0x200L * slot(vcpu));
    }
}
