package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Whether QEMU's x86 guests can use {@code /dev/kvm}. Only a KVM backed by hardware virtualization runs guest
 * kernels natively: a nested KVM without it (PVM, {@code kvm_pvm}) emulates guest kernel mode about 100x slower
 * than native and lacks instructions Linux needs, so TCG is the better choice there (see engine-facts).
 */
final class HostKvm {
    private static final Pattern HW_VIRT_FLAG = Pattern.compile("^flags\\s*:.*\\b(vmx|svm)\\b", Pattern.MULTILINE);

    private HostKvm() {
    }

    /** Cheap, without side effects: reads {@code /proc/cpuinfo} and {@code /sys/module}, opens nothing. */
    static boolean runsGuestKernelsNatively() {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm) || Files.exists(Path.of("/sys/module/kvm_pvm"))) {
            return false;
        }
        try {
            return HW_VIRT_FLAG.matcher(Files.readString(Path.of("/proc/cpuinfo"))).find();
        } catch (IOException e) {
            return false;
        }
    }
}
