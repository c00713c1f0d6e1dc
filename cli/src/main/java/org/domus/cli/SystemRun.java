package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.domus.dom0less.Plan;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.engine.EngineException;
import org.domus.hypervisor.ConsoleMux;
import org.domus.hypervisor.ExitPolicies;
import org.domus.hypervisor.Hypervisor;

/** Boots a validated system and runs it until every domain is done: what {@code boot} and {@code demo} share. */
final class SystemRun {
    private SystemRun() {
    }

    /** Prints every problem; with errors returns {@link Main#EXIT_INPUT} before anything starts. */
    static int run(SystemConfig config, String systemName, String engine, Path runDir, ExitPolicies policies,
                   PrintWriter err) throws IOException, EngineException, InterruptedException {
        for (Problem p : config.problems()) {
            err.println(p);
        }
        err.flush();
        if (config.hasErrors()) {
            return Main.EXIT_INPUT;
        }
        Plan plan = Plan.of(config);
        Path dir = runDir != null ? runDir : defaultRunDir(systemName);
        ConsoleMux mux = new ConsoleMux(System.out);
        mux.event("run folder " + dir);
        Hypervisor hv = Hypervisor.boot(plan, engine, dir, mux, policies);
        // SIGINT/SIGTERM: every domain is destroyed before the JVM goes (QEMU also dies with us on kill -9).
        Thread hook = new Thread(hv::close, "destroy-domains");
        Runtime.getRuntime().addShutdownHook(hook);
        int rc = hv.awaitAll();
        hv.close();
        Runtime.getRuntime().removeShutdownHook(hook);
        return rc;
    }

    private static Path defaultRunDir(String systemName) throws IOException {
        String base = System.getenv("XDG_RUNTIME_DIR");
        Path root = Path.of(base != null ? base : System.getProperty("java.io.tmpdir"), "domus");
        Files.createDirectories(root);
        return Files.createTempDirectory(root, systemName.replaceAll("\\.dt[sb]$", "") + "-");
    }
}
