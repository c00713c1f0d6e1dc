package org.domus.engine.qemu;


import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.domus.engine.DomainSpec;
import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.domus.testsupport.E2E;

/** Real QEMUs for tests: the engine's own lookup decides whether they can run here. */
final class TestQemu {
    static final QemuEngine ENGINE = new QemuEngine();
    static final long MIB = 1024 * 1024;

    private TestQemu() {
    }

    /** Skips (or, with DOMUS_REQUIRE_E2E=1, fails) when the engine cannot run {@code arch} guests here. */
    static QemuBinary require(Arch arch) {
        Optional<String> problem = ENGINE.unavailable(arch);
        problem.ifPresent(E2E::unavailable);
        return ENGINE.binaryFor(arch).orElseThrow();
    }

    /** An Arm64 {@code virt} machine with no kernel: it starts stopped and has nothing to run, enough for QMP. */
    static QemuDomain emptyMachine(Path workDir, String name, int vcpus) throws EngineException {
        return emptyMachine(Arch.ARM64, workDir, name, vcpus);
    }

    static QemuDomain emptyMachine(Arch arch, Path workDir, String name, int vcpus) throws EngineException {
        QemuBinary qemu = require(arch);
        var spec = new DomainSpec(name, arch, 64 * MIB, vcpus, null, null, null, workDir);
        return QemuDomain.launch(new QemuCommandLine(qemu, spec, false));
    }

    static ExitReason exit(QemuDomain domain, Duration timeout) throws Exception {
        return domain.exited().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
