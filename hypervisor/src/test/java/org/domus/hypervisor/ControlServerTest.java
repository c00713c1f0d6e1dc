package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.domus.engine.DomainSpec;
import org.domus.engine.ExitReason;
import org.domus.engine.GuestArch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The control socket end to end over a real Unix socket, with stand-in domains: requests and their one-line errors,
 * pause, pinning (on a real host thread: a {@code sleep} process stands in for a vCPU thread), the console's replay,
 * viewers and single writer, and the socket of a killed Domus taken over.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConsoleCapture screen = new ConsoleCapture();
    private final ConsoleMux mux = new ConsoleMux(screen.printStream());
    private final String name = "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final List<ToyHandle> handles = new ArrayList<>();
    private Process vcpu;
    private ControlServer server;

    @BeforeEach
    void boot() throws Exception {
        vcpu = new ProcessBuilder("sleep", "120").start();
        List<Domain> domains = new ArrayList<>();
        for (String n : List.of("alpha", "beta")) {
            ToyHandle h = new ToyHandle(n.equals("alpha") ? List.of(vcpu.pid()) : List.of());
            handles.add(h);
            Domain d = new Domain(domains.size() + 1, n, new DomainSpec(n, GuestArch.ARM64, 64 << 20, 1, Path.of("Image"),
                    null, "console=ttyAMA0", Path.of("run", n)), ToyHandle.engine(h), ExitPolicies.XL_DEFAULTS, mux);
            d.build();
            d.start();
            domains.add(d);
        }
        server = ControlServer.bind(name);
        server.serve(Hypervisor.of(domains, mux), Path.of("run"));
    }

    @AfterEach
    void stop() {
        server.close();
        handles.forEach(ToyHandle::destroy);
        vcpu.destroyForcibly();
    }

    @Test
    void listsTheDomainsWithEveryField() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            List<DomainInfo> list = c.list();
            assertThat(list).extracting(DomainInfo::name).containsExactly("alpha", "beta");
            assertThat(list).extracting(DomainInfo::id).containsExactly(1, 2);
            assertThat(list.getFirst().state()).isEqualTo("running");
            assertThat(list.getFirst().memoryKib()).isEqualTo(64 * 1024);
            assertThat(c.call(ControlClient.request("info", "d2"), DomainInfo.class).name()).isEqualTo("beta");
            assertThat(c.call(ControlClient.request("info", "2"), DomainInfo.class).name()).isEqualTo("beta");
            assertThat(c.call(ControlClient.request("list")).toString()).doesNotContain("null");
        }
        assertThat(Files.getPosixFilePermissions(server.socket())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void errorsAreOneLineAndNameWhatIsWrong() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            assertThatThrownBy(() -> c.call(ControlClient.request("info", "gamma")))
                    .hasMessage("no domain 'gamma' (there are d1 alpha, d2 beta)");
            ObjectNode future = ControlClient.request("list");
            future.put("v", 99);
            assertThatThrownBy(() -> c.call(future)).hasMessageContaining("version 99 is not spoken here");
            assertThatThrownBy(() -> c.call(ControlClient.request("unpause", "alpha"))).hasMessage("d1 alpha is running, not paused");
            assertThatThrownBy(() -> c.call(ControlClient.request("frobnicate"))).hasMessage("unknown request 'frobnicate'");
        }
        assertThatThrownBy(() -> ControlClient.connect("nobody-" + name)).hasMessageStartingWith("no system 'nobody-" + name + "' is running");
    }

    @Test
    void pausesAndUnpauses() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            assertThat(c.call(ControlClient.request("pause", "alpha"), DomainInfo.class).flags()).isEqualTo("--p---");
            assertThat(handles.getFirst().paused).isTrue();
            assertThat(c.call(ControlClient.request("unpause", "alpha"), DomainInfo.class).state()).isEqualTo("running");
            assertThat(handles.getFirst().paused).isFalse();
            assertThat(c.dmesg()).extracting(ControlServer.LogLine::text).contains("d1 alpha: paused", "d1 alpha: unpaused");
        }
    }

    @Test
    void pinsTheVcpuThreadWithSchedSetaffinity() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            ObjectNode pin = ControlClient.request("vcpu-pin", "alpha");
            pin.put("vcpu", "0");
            pin.put("cpus", "0");
            List<VcpuInfo> after = c.vcpus(pin);
            assertThat(after.getFirst().affinity()).isEqualTo("0");
            assertThat(after.getFirst().thread()).isEqualTo(vcpu.pid());
            assertThat(cpusAllowed(vcpu.pid())).isEqualTo("0");
            pin.put("cpus", "all");
            assertThat(c.vcpus(pin).getFirst().affinity()).isEqualTo("all");
            assertThat(cpusAllowed(vcpu.pid())).isEqualTo(CpuSet.format(Hypervisor.hostCpus(), new java.util.BitSet()));
            pin.put("cpus", "1000");
            assertThatThrownBy(() -> c.call(pin)).hasMessageStartingWith("CPUs 1000: this host has CPUs 0");
            pin.put("cpus", "0");
            pin.put("vcpu", "3");
            assertThatThrownBy(() -> c.call(pin)).hasMessage("d1 alpha has no vCPU 3 (it has vCPU 0)");
        }
    }

    @Test
    void consoleReplaysThenStreamsAndOnlyTheFirstHoldsInput() throws Exception {
        ToyHandle alpha = handles.getFirst();
        for (int i = 0; i < 60; i++) {
            alpha.print("line " + i + "\r\n");
        }
        alpha.print("prompt # ");
        awaitTrue(() -> screen.lines().stream().anyMatch(l -> l.endsWith("line 59")));
        try (ControlClient writer = ControlClient.connect(name); ControlClient viewer = ControlClient.connect(name)) {
            assertThat(writer.attach("alpha", true).input()).isTrue();
            assertThat(viewer.attach("d1", true).input()).isFalse();
            String replay = readUntil(writer.consoleOutput(), "prompt # ");
            // the last lines only, from a line's start, the unfinished prompt included
            assertThat(replay).startsWith("line " + (60 - ConsoleHub.REPLAY_LINES + 1) + "\r\n").endsWith("line 59\r\nprompt # ");
            readUntil(viewer.consoleOutput(), "prompt # ");
            alpha.print("live\r\n");
            assertThat(readUntil(writer.consoleOutput(), "live\r\n")).isEqualTo("live\r\n");
            assertThat(readUntil(viewer.consoleOutput(), "live\r\n")).isEqualTo("live\r\n");
            viewer.consoleInput().write("ignored".getBytes(StandardCharsets.UTF_8));
            viewer.consoleInput().flush();
            writer.consoleInput().write("ls\r".getBytes(StandardCharsets.UTF_8));
            writer.consoleInput().flush();
            awaitTrue(() -> alpha.typed().equals("ls\r"));
            writer.close();
            try (ControlClient next = ControlClient.connect(name)) {
                awaitTrue(() -> {
                    try (ControlClient probe = ControlClient.connect(name)) {
                        return probe.attach("alpha", false) != null;
                    } catch (ControlException e) {
                        return false;
                    }
                });
                // the writer has gone: the next to ask holds input
                awaitTrue(() -> attachInput(next));
            }
        }
        assertThat(alpha.typed()).isEqualTo("ls\r");
    }

    private boolean attachInput(ControlClient c) {
        try {
            return c.attach("alpha", true).input();
        } catch (ControlException e) {
            return false;
        }
    }

    @Test
    void aConsoleEndsWhenItsDomainDoes() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            c.attach("beta", true);
            try (ControlClient other = ControlClient.connect(name)) {
                other.call(ControlClient.request("destroy", "beta"));
            }
            String rest = new String(c.consoleOutput().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("(domus) d2 beta: destroyed", "d2 beta has ended (destroyed)");
        }
        try (ControlClient c = ControlClient.connect(name)) {
            assertThatThrownBy(() -> c.attach("beta", true)).hasMessageContaining("d2 beta has ended (destroyed)");
            assertThatThrownBy(() -> c.call(ControlClient.request("destroy", "beta"))).hasMessage("d2 beta has already ended (destroyed)");
        }
    }

    /** The last domain's destroy ends the system while its answer is on the way: closing lets the answer out first. */
    @Test
    void closingWaitsForTheAnswersBeingWritten() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            ObjectNode shutdown = ControlClient.request("shutdown", "alpha");
            shutdown.put("wait", true);
            var answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.call(shutdown, DomainInfo.class);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            ToyHandle alpha = handles.getFirst();
            awaitTrue(() -> alpha.powerButtons > 0);
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                alpha.exit(new ExitReason.PowerOff());
            });
            server.close();
            // the answer was written before close() returned; reading it takes the client a moment at most
            DomainInfo after = answer.get(200, TimeUnit.MILLISECONDS);
            assertThat(after.state()).isEqualTo("destroyed");
            assertThat(after.lastExit()).isEqualTo("powered off");
        }
    }

    @Test
    void aLiveSystemKeepsItsNameAndAStaleSocketIsTakenOver() throws Exception {
        assertThatThrownBy(() -> ControlServer.bind(name)).hasMessageContaining("a system named '" + name + "' is already running");
        // what a kill -9 leaves: the socket file, nobody listening on it
        String killed = name + "-killed";
        Path stale = ControlPaths.socket(killed);
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(stale).exists();
        assertThatThrownBy(() -> ControlClient.connect(killed)).hasMessageContaining("is stale");
        try (ControlServer again = ControlServer.bind(killed)) {
            assertThat(again.tookOverStale()).isTrue();
        }
        assertThat(stale).doesNotExist();
    }

    private static String cpusAllowed(long tid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(tid), "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElseThrow();
    }

    /** Reads until the text read so far ends with {@code end}. */
    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder s = new StringBuilder();
        while (!s.toString().endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("console ended before '" + end + "'; got: " + s);
            }
            s.append((char) b);
        }
        return s.toString();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
