package org.domus.engine.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.domus.engine.DomainSpec;
import org.domus.image.Arch;

/**
 * The QEMU arguments for one domain. The machine starts stopped ({@code -S}) so that the console and QMP are
 * connected before the guest prints anything, and ends instead of resetting ({@code -no-reboot}), so that the
 * hypervisor, not QEMU, applies {@code on_reboot}.
 *
 * @param qemu the emulator
 * @param spec the domain; a null kernel starts a machine with nothing to run (QMP tests)
 * @param kvm  use {@code /dev/kvm} (x86 guests only, and only where it runs guest kernels natively)
 */
record QemuCommandLine(QemuBinary qemu, DomainSpec spec, boolean kvm) {
    static final String CONSOLE_SOCKET = "console.sock";
    static final String QMP_SOCKET = "qmp.sock";
    static final String LOG = "qemu.log";
    /** cortex-a57, not max: max emulates pointer authentication and boots 4-5x slower under TCG. */
    static final String ARM64_CPU = "cortex-a57";
    private static final long MIB = 1024 * 1024;

    Path consoleSocket() {
        return spec.workDir().resolve(CONSOLE_SOCKET);
    }

    Path qmpSocket() {
        return spec.workDir().resolve(QMP_SOCKET);
    }

    Path log() {
        return spec.workDir().resolve(LOG);
    }

    List<String> args() {
        List<String> a = new ArrayList<>(List.of(qemu.path().toString()));
        // debug-threads names the vCPU threads "CPU n/TCG" (or /KVM) in /proc, which helps when pinning by hand
        a.addAll(List.of("-name", "guest=" + opt(spec.name()) + ",debug-threads=on"));
        a.addAll(machine());
        a.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none"));
        a.addAll(List.of("-m", memoryMiB() + "M", "-smp", Integer.toString(spec.vcpus())));
        if (spec.xen() != null) {
            a.addAll(El2Launch.args(this)); // the EL2 program is QEMU's kernel; the guest's is placed beside it
        } else if (spec.kernel() != null) {
            a.addAll(List.of("-kernel", spec.kernel().toString()));
            if (GuestDtb.needed(spec)) {
                a.addAll(List.of("-dtb", GuestDtb.path(spec).toString()));
            }
        }
        if (spec.initrd() != null) {
            a.addAll(List.of("-initrd", spec.initrd().toString()));
        }
        if (spec.cmdline() != null && !spec.cmdline().isEmpty()) {
            a.addAll(List.of("-append", spec.cmdline()));
        }
        // the first serial port is the PL011 on virt (ttyAMA0, Xen's vpl011) and COM1 on pc (ttyS0); a domain
        // without vpl011 has none on pc, and on virt (which always has its PL011) one wired to nothing and left out
        // of the guest's tree. The console socket is there either way: a Xen guest's hvc0 is not on it, but the
        // engine reads every domain's console the same way.
        a.addAll(List.of("-chardev", "socket,id=console,path=" + opt(consoleSocket().toString()) + ",server=on,wait=off"));
        if (spec.machine().uart()) {
            a.addAll(List.of("-serial", "chardev:console"));
        }
        a.addAll(List.of("-chardev", "socket,id=qmp,path=" + opt(qmpSocket().toString()) + ",server=on,wait=off",
                "-mon", "chardev=qmp,mode=control"));
        a.addAll(List.of("-no-reboot", "-S"));
        return a;
    }

    /** The machine options, which the dump of its device tree ({@link GuestDtb}) repeats. */
    List<String> machine() {
        if (spec.arch() == Arch.ARM64) {
            // a Xen guest runs at EL1 under the EL2 program, which needs the virtualization extensions
            String machine = "virt," + (spec.xen() != null ? "virtualization=on," : "") + "gic-version=" + spec.machine().gicVersion();
            return List.of("-M", machine, "-cpu", ARM64_CPU, "-accel", "tcg,thread=multi");
        }
        return kvm ? List.of("-M", "pc", "-accel", "kvm", "-cpu", "host") : List.of("-M", "pc", "-accel", "tcg");
    }

    /** Whole MiB, rounded up: QEMU sizes RAM in MiB by default and Xen's KiB sizes rarely fall between. */
    long memoryMiB() {
        return Math.max(1, (spec.memoryBytes() + MIB - 1) / MIB);
    }

    /** QEMU option values end at a comma; a literal comma is written twice. */
    static String opt(String value) {
        return value.replace(",", ",,");
    }
}
