package org.domus.engine.qemu;

import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.image.Arch;

/**
 * Runs each domain in a QEMU process of its own: {@code qemu-system-aarch64 -M virt} for Arm64 guests,
 * {@code qemu-system-x86_64 -M pc} for x86 ones, both under TCG unless the host's KVM runs x86 guest kernels
 * natively. What is found on the host is looked up once per engine and kept.
 */
public final class QemuEngine implements Engine {
    private final Map<Arch, QemuBinary.Lookup> binaries = new ConcurrentHashMap<>();
    private volatile Boolean kvm;
    private volatile Boolean setpriv;

    /** For {@link java.util.ServiceLoader}; the host is probed on first use, not here. */
    public QemuEngine() {
    }

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public Optional<String> unavailable(Arch arch) {
        QemuBinary.Lookup lookup = binary(arch);
        if (lookup.problem().isPresent()) {
            return lookup.problem();
        }
        if (!hasSetpriv()) {
            return Optional.of("setpriv not found on PATH (install the Debian package %s)".formatted(QemuProcess.SETPRIV_PACKAGE));
        }
        return Optional.empty();
    }

    /** Arm64 guests run on the EL2 program, which forwards their hypercalls to the Xen ABI (see {@link El2Launch}). */
    @Override
    public boolean guestXenAbi(Arch arch) {
        return arch == Arch.ARM64;
    }

    /** Starts the domain's QEMU stopped, with its console and QMP connected. */
    @Override
    public QemuDomain build(DomainSpec spec) throws EngineException {
        check(spec);
        Optional<String> problem = unavailable(spec.arch());
        if (problem.isPresent()) {
            throw new EngineException("%s: %s".formatted(spec.name(), problem.get()));
        }
        KernelImage.check(spec);
        if (spec.initrd() != null && !Files.isReadable(spec.initrd())) {
            throw new EngineException("%s: initrd %s is not a readable file".formatted(spec.name(), spec.initrd()));
        }
        QemuBinary qemu = binary(spec.arch()).binary().orElseThrow();
        boolean useKvm = spec.arch() == Arch.X86_64 && kvmRunsKernels();
        return QemuDomain.launch(new QemuCommandLine(qemu, spec, useKvm));
    }

    /** The emulator for {@code arch}, when {@link #unavailable(Arch)} is empty. */
    public Optional<QemuBinary> binaryFor(Arch arch) {
        return binary(arch).binary();
    }

    private static void check(DomainSpec spec) throws EngineException {
        if (spec.name() == null || spec.name().isBlank()) {
            throw new EngineException("a domain needs a name");
        }
        if (spec.arch() == null || spec.kernel() == null || spec.workDir() == null) {
            throw new EngineException("%s: arch, kernel and work folder are required".formatted(spec.name()));
        }
        if (spec.vcpus() < 1) {
            throw new EngineException("%s: %d vCPUs; at least 1 is needed".formatted(spec.name(), spec.vcpus()));
        }
        // QEMU's GICv2, as Xen's vGICv2, serves 8 CPUs: the distributor's target registers have 8 bits
        if (spec.arch() == Arch.ARM64 && spec.machine().gicVersion() == 2 && spec.vcpus() > 8) {
            throw new EngineException("%s: %d vCPUs on GICv2, which serves at most 8".formatted(spec.name(), spec.vcpus()));
        }
        if (spec.memoryBytes() <= 0) {
            throw new EngineException("%s: memory of %d bytes; it must be positive".formatted(spec.name(), spec.memoryBytes()));
        }
    }

    private QemuBinary.Lookup binary(Arch arch) {
        return binaries.computeIfAbsent(arch, QemuBinary::find);
    }

    private boolean hasSetpriv() {
        if (setpriv == null) {
            setpriv = QemuBinary.onPath("setpriv").isPresent();
        }
        return setpriv;
    }

    private boolean kvmRunsKernels() {
        if (kvm == null) {
            kvm = HostKvm.runsGuestKernelsNatively();
        }
        return kvm;
    }
}
