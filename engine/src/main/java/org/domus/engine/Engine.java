package org.domus.engine;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import org.domus.image.Arch;

/**
 * A way of running domains: {@code qemu} (a QEMU process per domain) or {@code kvm} (Domus's own VMM).
 * Implementations are found with {@link ServiceLoader}.
 */
public interface Engine {
    /** "qemu" or "kvm". */
    String name();

    /** Why this engine cannot run {@code arch} guests here (e.g. the Debian package to install), or empty. Cheap, no side effects. */
    Optional<String> unavailable(Arch arch);

    /**
     * Whether its {@code arch} guests can see Xen's guest ABI (hypercalls, event channels, the xenstore ring) when
     * their spec asks for it ({@link DomainSpec#xen()}): without it a domain's store entries and name live on the
     * host side only, and its guest cannot reach the store.
     */
    default boolean guestXenAbi(Arch arch) {
        return false;
    }

    /** Builds a domain, stopped; {@link DomainHandle#start()} runs it. */
    DomainHandle build(DomainSpec spec) throws EngineException;

    /** The engine called {@code wanted}, or for "auto" the first that can run {@code arch} guests. */
    static Engine pick(String wanted, Arch arch) throws EngineException {
        StringBuilder why = new StringBuilder();
        for (Engine e : Installed.ENGINES) {
            if (!wanted.equals("auto") && !e.name().equals(wanted)) {
                continue;
            }
            Optional<String> problem = e.unavailable(arch);
            if (problem.isEmpty()) {
                return e;
            }
            why.append(why.isEmpty() ? "" : "; ").append(e.name()).append(": ").append(problem.get());
        }
        if (!wanted.equals("auto") && !names().contains(wanted)) {
            throw new EngineException("no engine '%s' (the engines are auto, %s)".formatted(wanted, String.join(", ", names())));
        }
        throw new EngineException("no engine '%s' can run %s guests here%s".formatted(wanted, arch,
                why.isEmpty() ? "" : " (" + why + ")"));
    }

    /** The names of the engines that exist (on the module path), in the order {@code auto} tries them. */
    static List<String> names() {
        return Installed.ENGINES.stream().map(Engine::name).toList();
    }

    /** The engines on the module path, each made once: they keep what they learn of the host. */
    final class Installed {
        private static final List<Engine> ENGINES = ServiceLoader.load(Engine.class).stream().map(ServiceLoader.Provider::get).toList();

        private Installed() {
        }
    }
}
