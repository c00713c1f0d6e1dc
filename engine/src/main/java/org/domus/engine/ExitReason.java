package org.domus.engine;

/** Why a domain stopped running; the hypervisor applies on_poweroff / on_reboot / on_crash to it. */
public sealed interface ExitReason {
    /** The guest powered itself off. */
    record PowerOff() implements ExitReason {
    }

    /** The guest rebooted, or a reset was asked for. */
    record Reboot() implements ExitReason {
    }

    /** The guest crashed (a panic seen by the engine). */
    record Crash(String detail) implements ExitReason {
    }

    /** The domain was destroyed from the host. */
    record Destroyed() implements ExitReason {
    }

    /** The engine itself failed (its process died, its control channel broke). */
    record Error(String detail) implements ExitReason {
    }
}
