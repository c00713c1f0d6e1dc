package org.domus.cli;

import java.util.List;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;

/**
 * The launcher's AOT training run (not a command): one real boot of a one-domain system and, while it runs, the
 * toolstack commands against it, in one JVM, so that the cache holds the classes of both. A cache trained by the
 * boot alone left {@code domus list} loading its classes from the jars at every call (~400 ms a call, when the
 * client still used Jackson's databind).
 */
public final class AotTraining {
    private AotTraining() {
    }

    /** {@code SYSTEM NAME RUN_DIR}: the system to boot, its name, its run folder. */
    public static void main(String[] args) throws InterruptedException {
        String system = args[0];
        String name = args[1];
        String runDir = args[2];
        Thread boot = Thread.ofPlatform().name("training-boot").start(
                () -> Main.commandLine("boot").execute("boot", system, "--name", name, "--run-dir", runDir));
        if (awaitControlSocket(name)) {
            for (List<String> command : List.of(List.of("list", "--name", name), List.of("list", "--all", "--name", name),
                    List.of("list", "--json", "--name", name),
                    List.of("info", "--name", name, "d1"), List.of("vcpu-list", "--name", name), List.of("dmesg", "--name", name))) {
                String[] a = command.toArray(String[]::new);
                Main.commandLine(a).execute(a);
            }
        }
        boot.join();
    }

    private static boolean awaitControlSocket(String name) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            try {
                ControlClient.connect(name).close();
                return true;
            } catch (ControlException e) {
                Thread.sleep(10);
            }
        }
        return false;
    }
}
