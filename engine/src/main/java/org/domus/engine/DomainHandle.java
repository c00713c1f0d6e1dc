package org.domus.engine;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One built domain on an engine. It is built stopped, so that every domain of a system can start at the same
 * instant with {@link #start()}; closing it destroys it.
 */
public interface DomainHandle extends AutoCloseable {
    /** Lets all vCPUs run (first start, or after {@link #pause()}). */
    void start() throws EngineException;

    void pause() throws EngineException;

    /** A hard reset, as the reset button. */
    void reset() throws EngineException;

    /** The ACPI / PSCI power button: the guest decides what to do. */
    void powerButton() throws EngineException;

    /** Stops the domain at once; {@link #exited()} completes with {@link ExitReason.Destroyed}. */
    void destroy();

    ConsoleStream console();

    /** Host thread ids of the vCPU threads, in vCPU order (for pinning). */
    List<Long> vcpuThreadIds() throws EngineException;

    /** Completes once, when the domain stops running for any reason. */
    CompletionStage<ExitReason> exited();

    @Override
    default void close() {
        destroy();
    }
}
