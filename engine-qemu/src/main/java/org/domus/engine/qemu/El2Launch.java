package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.domus.engine.DomainSpec;
import org.domus.engine.EngineException;
import org.domus.engine.xen.XenGuest;
import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;
import org.domus.image.Arch;

/**
 * What makes a QEMU domain a Xen guest ({@link DomainSpec#xen()} set): the EL2 program as QEMU's {@code -kernel}
 * (entered at EL2 with {@code virtualization=on}), the guest's kernel beside it ({@code -device loader}), guest RAM
 * shared with Domus, one channel per vCPU, and QEMU's own device tree edited ({@link GuestDtb}, first of its edits): the EL2 program's pages reserved
 * ({@code no-map}), the channels' virtio-mmio nodes removed so the guest never sees them, then the Xen ABI's edit.
 * The initrd and command line go through QEMU's {@code -initrd} and {@code -append}, which QEMU places and writes
 * into {@code /chosen} of the tree it is given as it does for any kernel.
 */
final class El2Launch implements AutoCloseable {
    static final String EL2_FILE = "el2.bin";
    static final String RAM_ID = "guestram";
    private static final long MIB = 1024 * 1024;
    private static final long INITRD_MAX_OFFSET = 128 * MIB;

    private final String name;
    private final XenGuest xen;
    private final SharedRam ram;
    private final List<El2Channel> channels = new ArrayList<>();

    private El2Launch(String name, XenGuest xen, SharedRam ram) {
        this.name = name;
        this.xen = xen;
        this.ram = ram;
    }

    static Path channelSocket(DomainSpec spec, int vcpu) {
        return spec.workDir().resolve("el2-" + vcpu + ".sock");
    }

    /** A tmpfs file (memory, not disk), named for this JVM and domain so two Domus never collide. */
    static Path ramFile(DomainSpec spec) {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        String safe = spec.name().replaceAll("[^A-Za-z0-9_.-]", "_");
        return dir.resolve("domus-%d-%s-%08x.ram".formatted(ProcessHandle.current().pid(), safe,
                spec.workDir().toAbsolutePath().toString().hashCode()));
    }

    /** The arguments that replace {@code -kernel}: memory backend, channel devices, EL2 program, guest kernel, DTB. */
    static List<String> args(QemuCommandLine cl) {
        DomainSpec spec = cl.spec();
        Path work = spec.workDir().toAbsolutePath(); // QEMU runs in the work folder: a relative path would resolve twice
        List<String> a = new ArrayList<>();
        a.addAll(List.of("-object", "memory-backend-file,id=%s,mem-path=%s,share=on,size=%dM".formatted(RAM_ID,
                QemuCommandLine.opt(ramFile(spec).toString()), cl.memoryMiB()), "-machine", "memory-backend=" + RAM_ID));
        a.addAll(channelDevices(spec, v -> "socket,id=el2c%d,path=%s,server=on,wait=off".formatted(v,
                QemuCommandLine.opt(channelSocket(spec, v).toString()))));
        a.addAll(List.of("-kernel", work.resolve(EL2_FILE).toString(), "-dtb", GuestDtb.path(spec).toString()));
        a.addAll(List.of("-device", "loader,file=%s,addr=0x%x,force-raw=on".formatted(
                QemuCommandLine.opt(spec.kernel().toAbsolutePath().toString()), El2Program.GUEST_KERNEL)));
        return a;
    }

    interface Chardev {
        String of(int vcpu);
    }

    /**
     * Modern virtio-mmio (the EL2 program speaks version 2 only), and per vCPU a virtio-serial device in the slot
     * the EL2 program looks in, its port 0 a console on {@code chardev}.
     */
    static List<String> channelDevices(DomainSpec spec, Chardev chardev) {
        List<String> a = new ArrayList<>(List.of("-global", "virtio-mmio.force-legacy=false"));
        for (int v = 0; v < spec.vcpus(); v++) {
            a.addAll(List.of("-chardev", chardev.of(v),
                    "-device", "virtio-serial-device,id=el2s%d,bus=virtio-mmio-bus.%d".formatted(v, El2Program.slot(v)),
                    "-device", "virtconsole,chardev=el2c%d,bus=el2s%d.0".formatted(v, v)));
        }
        return a;
    }

    /** Refuses what the EL2 program cannot run, before anything starts. */
    static void check(DomainSpec spec) throws EngineException {
        if (spec.arch() != Arch.ARM64) {
            throw new EngineException("%s: a Xen guest (xen,enhanced) needs an Arm64 kernel on the qemu engine".formatted(spec.name()));
        }
        if (spec.machine().gicVersion() != 3) {
            throw new EngineException("%s: a Xen guest on the qemu engine needs GICv3 (the EL2 program injects its interrupts through GICv3 list registers), not GICv%d"
                    .formatted(spec.name(), spec.machine().gicVersion()));
        }
        if (spec.vcpus() > El2Program.MAX_VCPUS) {
            throw new EngineException("%s: a Xen guest on the qemu engine has at most %d vCPUs, not %d"
                    .formatted(spec.name(), El2Program.MAX_VCPUS, spec.vcpus()));
        }
        long imageSize = imageSize(spec);
        long limit = El2Program.RAM_BASE + Math.min(spec.memoryBytes() / 2, INITRD_MAX_OFFSET);
        if (El2Program.GUEST_KERNEL + imageSize > limit) {
            throw new EngineException("%s: the kernel (%d MiB from 0x%x) overlaps where QEMU puts the initrd and device tree (0x%x): give the domain at least %d MiB"
                    .formatted(spec.name(), (imageSize + MIB - 1) / MIB, El2Program.GUEST_KERNEL, limit,
                            2 * ((El2Program.GUEST_KERNEL + imageSize - El2Program.RAM_BASE + MIB - 1) / MIB)));
        }
    }

    /** The Arm64 Image header's image_size: the guest kernel is placed raw, so it cannot be compressed. */
    private static long imageSize(DomainSpec spec) throws EngineException {
        byte[] head = new byte[64];
        try (var in = Files.newInputStream(spec.kernel())) {
            if (in.readNBytes(head, 0, 64) < 64) {
                head = new byte[64];
            }
        } catch (IOException e) {
            throw new EngineException("%s: cannot read kernel %s: %s".formatted(spec.name(), spec.kernel(), e.getMessage()), e);
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0x38) != 0x644d5241) {
            throw new EngineException("%s: a Xen guest's kernel must be an uncompressed Arm64 Image; %s is not one (gunzip it first)"
                    .formatted(spec.name(), spec.kernel()));
        }
        long size = b.getLong(16);
        return size != 0 ? size : fileSize(spec.kernel());
    }

    private static long fileSize(Path p) throws EngineException {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new EngineException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** Writes the EL2 program and the guest's device tree into the work folder and creates the shared RAM. */
    static El2Launch prepare(QemuCommandLine cl) throws EngineException {
        DomainSpec spec = cl.spec();
        check(spec);
        Path work = spec.workDir();
        El2Program el2 = El2Program.load();
        el2.writeTo(work.resolve(EL2_FILE), El2Program.GUEST_KERNEL);
        GuestDtb.write(cl, fdt -> guestTree(fdt, el2.footprint(), spec.vcpus()));
        try {
            for (int v = 0; v < spec.vcpus(); v++) {
                Files.deleteIfExists(channelSocket(spec, v));
            }
        } catch (IOException e) {
            throw new EngineException("%s: cannot clear its channel sockets: %s".formatted(spec.name(), e.getMessage()), e);
        }
        SharedRam ram;
        try {
            ram = SharedRam.create(ramFile(spec), El2Program.RAM_BASE, cl.memoryMiB() * MIB);
        } catch (EngineException e) {
            throw new EngineException(spec.name() + ": " + e.getMessage(), e);
        }
        return new El2Launch(spec.name(), spec.xen(), ram);
    }

    /** QEMU's tree without the channels' transports and with the EL2 program's pages kept from the guest. */
    static Fdt guestTree(Fdt fdt, long el2Bytes, int vcpus) {
        for (int v = 0; v < vcpus; v++) {
            fdt = fdt.remove(El2Program.slotNode(v));
        }
        long size = (el2Bytes + 0xfff) & -0x1000L;
        long at = El2Program.LOAD_ADDRESS;
        Node el2 = new Node("domus-el2@%x".formatted(at), List.of(
                Property.ofCells("reg", (int) (at >>> 32), (int) at, (int) (size >>> 32), (int) size),
                Property.empty("no-map")), List.of());
        if (fdt.node("/reserved-memory").isPresent()) {
            return fdt.edit("/reserved-memory", n -> n.withChild(el2));
        }
        Node reserved = new Node("reserved-memory", List.of(Property.ofCells("#address-cells", 2),
                Property.ofCells("#size-cells", 2), Property.empty("ranges")), List.of(el2));
        return fdt.edit("/", n -> n.withChild(reserved));
    }

    /** Once QEMU runs (QMP answered, so its RAM file is open): drops the file's name and opens every channel. */
    void attach(QemuCommandLine cl) throws EngineException {
        ram.unlink();
        DomainSpec spec = cl.spec();
        for (int v = 0; v < spec.vcpus(); v++) {
            var page = ram.memory().asSlice(El2Program.CHANNEL_PAGES - El2Program.RAM_BASE + v * El2Program.CHANNEL_PAGE,
                    El2Program.CHANNEL_PAGE);
            channels.add(El2Channel.connect(name, v, page, channelSocket(spec, v)));
        }
        try {
            xen.abi().attach(ram, vcpu -> {
                if (vcpu >= 0 && vcpu < channels.size()) {
                    channels.get(vcpu).raise();
                }
            });
        } catch (RuntimeException e) {
            throw new EngineException("%s: the Xen ABI could not take the domain: %s".formatted(name, e.getMessage()), e);
        }
        for (El2Channel c : channels) {
            c.serve(name, xen.abi());
        }
    }

    /** After QEMU's exit: channels closed, Domus's view of the RAM unmapped, the file gone. */
    @Override
    public void close() {
        channels.forEach(El2Channel::close);
        ram.close();
    }
}
