package org.domus.engine.qemu;

import java.util.Optional;

import org.domus.engine.DomainHandle;
import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.engine.GuestArch;

/** PLACEHOLDER until the qemu engine lands. */
public final class QemuEngine implements Engine {
    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public Optional<String> unavailable(GuestArch arch) {
        return Optional.of("not yet");
    }

    @Override
    public DomainHandle build(DomainSpec spec) throws EngineException {
        throw new EngineException("not yet");
    }
}
