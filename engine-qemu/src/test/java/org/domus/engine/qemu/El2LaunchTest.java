package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.domus.engine.DomainSpec;
import org.domus.engine.EngineException;
import org.domus.engine.xen.XenGuest;
import org.domus.image.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an enhanced domain is refused for, before any QEMU starts, each in one line naming the domain. */
class El2LaunchTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private DomainSpec spec(Arch arch, long memory, int vcpus, Path kernel) {
        return new DomainSpec("domU1", arch, memory, vcpus, kernel, null, null, dir, new XenGuest(new RecordingXenAbi(), t -> t));
    }

    private Path image(long imageSize) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(16, imageSize).putInt(0x38, 0x644d5241);
        Path p = dir.resolve("Image-" + imageSize);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void aRawArm64ImageThatFitsIsAccepted() throws Exception {
        El2Launch.check(spec(Arch.ARM64, 128 * MIB, 4, image(28 * MIB)));
    }

    @Test
    void aCompressedKernelIsRefused() throws Exception {
        Path gz = dir.resolve("Image.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(image(MIB)));
        }
        assertThatThrownBy(() -> El2Launch.check(spec(Arch.ARM64, 128 * MIB, 1, gz))).isInstanceOf(EngineException.class)
                .hasMessage("domU1: a Xen guest's kernel must be an uncompressed Arm64 Image; %s is not one (gunzip it first)", gz);
    }

    @Test
    void moreVcpusThanTheEl2ProgramServesAreRefused() throws Exception {
        assertThatThrownBy(() -> El2Launch.check(spec(Arch.ARM64, 128 * MIB, 17, image(MIB))))
                .hasMessage("domU1: a Xen guest on the qemu engine has at most 16 vCPUs, not 17");
    }

    @Test
    void aKernelOverlappingTheInitrdSlotNamesTheMemoryNeeded() throws Exception {
        assertThatThrownBy(() -> El2Launch.check(spec(Arch.ARM64, 48 * MIB, 1, image(28 * MIB))))
                .hasMessage("domU1: the kernel (28 MiB from 0x40400000) overlaps where QEMU puts the initrd and device tree (0x41800000): give the domain at least 64 MiB");
        El2Launch.check(spec(Arch.ARM64, 64 * MIB, 1, image(28 * MIB)));
    }

    @Test
    void anX86GuestCannotBeAXenGuestHere() throws Exception {
        assertThatThrownBy(() -> El2Launch.check(spec(Arch.X86_64, 128 * MIB, 1, image(MIB))))
                .hasMessage("domU1: a Xen guest (xen,enhanced) needs an Arm64 kernel on the qemu engine");
    }

    @Test
    void theChannelsTransportsAreTheLastSlots() {
        assertThat(El2Program.slotNode(0)).isEqualTo("/virtio_mmio@a003e00");
        assertThat(El2Program.slotNode(15)).isEqualTo("/virtio_mmio@a002000");
    }
}
