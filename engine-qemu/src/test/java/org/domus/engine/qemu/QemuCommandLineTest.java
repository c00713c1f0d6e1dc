package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.domus.engine.DomainSpec;
import org.domus.engine.GuestMachine;
import org.domus.engine.xen.XenGuest;
import org.domus.image.Arch;
import org.junit.jupiter.api.Test;

class QemuCommandLineTest {
    private static final QemuBinary QEMU_ARM = new QemuBinary(Path.of("/usr/bin/qemu-system-aarch64"), Arch.ARM64);
    private static final QemuBinary QEMU_X86 = new QemuBinary(Path.of("/usr/bin/qemu-system-x86_64"), Arch.X86_64);
    private static final long MIB = 1024 * 1024;

    @Test
    void arm64DomainOnVirtWithPl011AndQmpSockets() {
        var spec = new DomainSpec("domU1", Arch.ARM64, 128 * MIB, 2, Path.of("/k/Image"), Path.of("/k/initrd.gz"),
                "console=ttyAMA0 domus.action=poweroff", Path.of("/run/domus/d1"));
        assertThat(new QemuCommandLine(QEMU_ARM, spec, false).args()).containsExactly(
                "/usr/bin/qemu-system-aarch64",
                "-name", "guest=domU1,debug-threads=on",
                "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-accel", "tcg,thread=multi",
                "-nodefaults", "-no-user-config", "-display", "none",
                "-m", "128M", "-smp", "2",
                "-kernel", "/k/Image", "-initrd", "/k/initrd.gz", "-append", "console=ttyAMA0 domus.action=poweroff",
                "-chardev", "socket,id=console,path=/run/domus/d1/console.sock,server=on,wait=off",
                "-serial", "chardev:console",
                "-chardev", "socket,id=qmp,path=/run/domus/d1/qmp.sock,server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-no-reboot", "-S");
    }

    /** A Xen guest: the EL2 program is QEMU's kernel, the guest's own kernel is placed raw beside it. */
    @Test
    void enhancedDomainRunsTheEl2ProgramWithSharedRamAndOneChannelPerVcpu() {
        var spec = new DomainSpec("domU1", Arch.ARM64, 128 * MIB, 2, Path.of("/k/Image"), Path.of("/k/initrd.gz"),
                "console=ttyAMA0", Path.of("/run/domus/d1"), new XenGuest(new RecordingXenAbi(), t -> t));
        var args = new QemuCommandLine(QEMU_ARM, spec, false).args();
        assertThat(args).containsSubsequence("-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a57",
                "-m", "128M", "-smp", "2",
                "-object", "memory-backend-file,id=guestram,mem-path=" + El2Launch.ramFile(spec) + ",share=on,size=128M",
                "-machine", "memory-backend=guestram",
                "-global", "virtio-mmio.force-legacy=false",
                "-chardev", "socket,id=el2c0,path=/run/domus/d1/el2-0.sock,server=on,wait=off",
                "-device", "virtio-serial-device,id=el2s0,bus=virtio-mmio-bus.31",
                "-device", "virtconsole,chardev=el2c0,bus=el2s0.0",
                "-chardev", "socket,id=el2c1,path=/run/domus/d1/el2-1.sock,server=on,wait=off",
                "-device", "virtio-serial-device,id=el2s1,bus=virtio-mmio-bus.30",
                "-device", "virtconsole,chardev=el2c1,bus=el2s1.0",
                "-kernel", "/run/domus/d1/el2.bin", "-dtb", "/run/domus/d1/guest.dtb",
                "-device", "loader,file=/k/Image,addr=0x40400000,force-raw=on",
                "-initrd", "/k/initrd.gz", "-append", "console=ttyAMA0",
                "-no-reboot", "-S");
        assertThat(El2Launch.ramFile(spec).toString()).startsWith("/dev/shm/domus-");
    }

    /** No vpl011: no serial port wired (virt's PL011 stays, out of the guest's tree), its own tree, and GICv2 asked for. */
    @Test
    void aDomainWithoutUartOnGicV2BootsFromItsOwnTreeWithNoSerialPort() {
        var spec = new DomainSpec("domU1", Arch.ARM64, 128 * MIB, 1, Path.of("/k/Image"), null, "", Path.of("/run/domus/d1"),
                null, null, new GuestMachine(2, false, null));
        var args = new QemuCommandLine(QEMU_ARM, spec, false).args();
        assertThat(args).containsSubsequence("-M", "virt,gic-version=2", "-kernel", "/k/Image", "-dtb", "/run/domus/d1/guest.dtb",
                "-chardev", "socket,id=console,path=/run/domus/d1/console.sock,server=on,wait=off", "-chardev");
        assertThat(args).doesNotContain("-serial");
    }

    @Test
    void x86DomainWithoutUartHasNoCom1() {
        var spec = new DomainSpec("x", Arch.X86_64, 256 * MIB, 1, Path.of("/k/bzImage"), null, null, Path.of("/w"), null, null,
                new GuestMachine(3, false, null));
        var args = new QemuCommandLine(QEMU_X86, spec, false).args();
        assertThat(args).doesNotContain("-serial", "-dtb");
        assertThat(args).contains("socket,id=console,path=/w/console.sock,server=on,wait=off");
    }

    @Test
    void x86DomainOnPcUnderTcgOrKvm() {
        var spec = new DomainSpec("x", Arch.X86_64, 256 * MIB, 1, Path.of("/k/bzImage"), null, null, Path.of("/w"));
        assertThat(new QemuCommandLine(QEMU_X86, spec, false).args()).containsSubsequence("-M", "pc", "-accel", "tcg", "-nodefaults")
                .doesNotContain("-cpu", "-initrd", "-append");
        assertThat(new QemuCommandLine(QEMU_X86, spec, true).args()).containsSubsequence("-M", "pc", "-accel", "kvm", "-cpu", "host", "-nodefaults");
    }

    @Test
    void commasInOptionValuesAreDoubledAndMemoryRoundsUpToMiB() {
        var spec = new DomainSpec("a,b", Arch.ARM64, 100 * MIB + 1, 1, Path.of("/k,1/Image"), null, "", Path.of("/w,x"));
        var args = new QemuCommandLine(QEMU_ARM, spec, false).args();
        assertThat(args).contains("guest=a,,b,debug-threads=on", "101M", "/k,1/Image",
                "socket,id=console,path=/w,,x/console.sock,server=on,wait=off").doesNotContain("-append");
    }

    @Test
    void socketsAndLogLiveInTheWorkFolder() {
        var spec = new DomainSpec("d", Arch.ARM64, MIB, 1, Path.of("/k"), null, null, Path.of("/w"));
        var cl = new QemuCommandLine(QEMU_ARM, spec, false);
        assertThat(cl.consoleSocket()).isEqualTo(Path.of("/w/console.sock"));
        assertThat(cl.qmpSocket()).isEqualTo(Path.of("/w/qmp.sock"));
        assertThat(cl.log()).isEqualTo(Path.of("/w/qemu.log"));
    }
}
