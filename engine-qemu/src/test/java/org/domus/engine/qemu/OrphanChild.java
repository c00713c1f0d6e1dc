package org.domus.engine.qemu;

import java.nio.file.Path;

/** A JVM that builds a domain, says QEMU's pid and waits to be killed ({@link OrphanTest}). */
public final class OrphanChild {
    private OrphanChild() {
    }

    public static void main(String[] args) throws Exception {
        QemuDomain d = TestQemu.emptyMachine(Path.of(args[0]), "orphan", 1);
        d.start();
        System.out.println("QEMU " + d.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
