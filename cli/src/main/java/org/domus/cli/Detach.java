package org.domus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.domus.hypervisor.ControlClient;
import org.domus.hypervisor.ControlException;
import org.domus.hypervisor.ControlPaths;
import org.domus.hypervisor.ControlReply;
import org.domus.hypervisor.ControlRequest;
import org.domus.hypervisor.DomainInfo;
import org.domus.hypervisor.RunFolders;
import org.domus.hypervisor.TerminalText;

/**
 * {@code domus boot --detach}: the same JVM command again (its flags, module path and arguments, read from
 * /proc/self/cmdline), without --detach and with the run folder and name fixed, in a session of its own
 * ({@code setsid}), output to {@code domus.log}. This process waits until that child answers on its control socket,
 * that is until every domain started, then says where the consoles are and exits; a child that fails to boot has
 * its log's last lines printed instead, even when a system of the same name (another boot's) answers meanwhile.
 */
final class Detach {
    /** Building N domains on a shared 2-core host can take a while; a hung boot should not hang the caller. */
    private static final long BOOT_TIMEOUT_SECONDS = 300;
    private static final int LOG_TAIL = 15;

    private Detach() {
    }

    static int run(List<String> domusArgs, String name, Path runDir, PrintWriter out, PrintWriter err)
            throws IOException, ControlException, InterruptedException {
        Path socket = ControlPaths.socket(name);
        if (ControlClient.running().contains(name)) {
            throw new ControlException("a system named '%s' is already running (socket %s): give this one another --name".formatted(name, socket));
        }
        Path dir = runDir != null ? runDir : RunFolders.create(name);
        Files.createDirectories(dir);
        Path log = dir.resolve("domus.log");
        ProcessBuilder pb = new ProcessBuilder(command(domusArgs, name, dir)).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true);
        // The child writes its output to the log itself, rotated (every guest's console lines pass through it); the
        // redirect keeps what the JVM prints before that, or after a crash.
        pb.environment().put(Main.DETACHED_LOG, log.toString());
        Process child = pb.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOOT_TIMEOUT_SECONDS);
        // The socket appears before the domains are built; the first answer comes once they all started. Another
        // boot of the same name (two --detach at once) may be the one that answers: only the child started here is
        // reported on, and that other system's answer is waited for aside, so that this child's end is seen at once.
        CompletableFuture<Started> asking = null;
        while (true) {
            if (asking != null && asking.isDone()) {
                Started started = asking.join();
                if (started != null && ours(child, started.pid())) {
                    return report(name, started, log, out);
                }
                asking = null;
            }
            if (!child.isAlive()) {
                return failed(child, log, err);
            }
            if (System.nanoTime() > end) {
                child.destroy();
                err.println("domus: the system did not start within %d s (log %s)".formatted(BOOT_TIMEOUT_SECONDS, log));
                return Main.EXIT_INPUT;
            }
            if (asking == null) {
                CompletableFuture<Started> f = new CompletableFuture<>();
                Thread.ofVirtual().name("detach-ask").start(() -> f.complete(ask(name)));
                asking = f;
            }
            Thread.sleep(20);
        }
    }

    /** A system that answered on the control socket: its process, and its domains once they all started. */
    private record Started(long pid, String xenstore, List<DomainInfo> domains) {
    }

    /** What the system of that name says once every domain started; null while nobody answers (or it is stopping). */
    private static Started ask(String name) {
        try (ControlClient client = ControlClient.connect(name)) {
            ControlReply.SystemInfo system = client.call(new ControlRequest.SystemQuery());
            return new Started(system.pid(), system.xenstore(), client.call(new ControlRequest.ListDomains(false)).domains());
        } catch (ControlException e) {
            // nobody listens yet (the socket is not bound, or stale), or the boot failed: the caller looks at its child
            return null;
        }
    }

    /**
     * Whether the system in process {@code pid} is the one {@code child} runs: setsid runs it in place (a child of a
     * JVM leads no process group), and were it to fork, --wait keeps it the parent of the system it started.
     */
    private static boolean ours(Process child, long pid) {
        return pid == child.pid() || ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                .orElse(-1L) == child.pid();
    }

    private static int report(String name, Started started, Path log, PrintWriter out) {
        out.printf("domus: system '%s' runs in the background (pid %d); its output goes to %s%n", name, started.pid(), log);
        for (DomainInfo d : started.domains()) {
            out.printf("  d%d %-16s domus console --name %s %s    (log %s)%n", d.id(), TerminalText.escape(d.name()), name,
                    TerminalText.escape(d.name()), Path.of(d.runDir()).resolve("console.log"));
        }
        if (started.xenstore() != null && !started.xenstore().isEmpty()) {
            // as the foreground boot prints it: where Debian's xenstore-* tools find this system's xenstored
            out.printf("domus: xenstore: XENSTORED_PATH=%s xenstore-ls /local/domain%n", started.xenstore());
        }
        out.printf("domus: Ctrl-] detaches a console; domus list|shutdown|destroy --name %s manage the system%n", name);
        return 0;
    }

    private static int failed(Process child, Path log, PrintWriter err) throws IOException, InterruptedException {
        child.waitFor(5, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(log);
        for (String l : lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size())) {
            err.println(l);
        }
        err.println("domus: the system did not start (exit status %s; log %s)".formatted(
                child.isAlive() ? "unknown" : Integer.toString(child.exitValue()), log));
        return child.isAlive() || child.exitValue() == 0 ? Main.EXIT_INPUT : child.exitValue();
    }

    /** This JVM's command line with the domus arguments replaced: same java, same flags, same module path. */
    private static List<String> command(List<String> domusArgs, String name, Path dir) throws ControlException {
        ProcessHandle.Info self = ProcessHandle.current().info();
        String java = self.command().orElseThrow(() -> new ControlException("cannot read this process's command to run it again"));
        String[] all = self.arguments().orElseThrow(() -> new ControlException("cannot read this process's arguments to run it again"));
        int jvmArgs = all.length - domusArgs.size();
        if (jvmArgs < 0 || !List.of(all).subList(jvmArgs, all.length).equals(domusArgs)) {
            throw new ControlException("cannot tell this process's JVM arguments from its domus arguments: run it without --detach, in the background");
        }
        List<String> cmd = new ArrayList<>(List.of("setsid", "--wait", java));
        cmd.addAll(List.of(all).subList(0, jvmArgs));
        boolean skipValue = false;
        for (String a : domusArgs) {
            if (skipValue) {
                skipValue = false;
                continue;
            }
            if (a.equals("--name") || a.equals("--run-dir")) {
                skipValue = true;
                continue;
            }
            if (a.equals("--detach") || a.startsWith("--name=") || a.startsWith("--run-dir=")) {
                continue;
            }
            cmd.add(a);
        }
        cmd.addAll(List.of("--name", name, "--run-dir", dir.toString()));
        return cmd;
    }
}
