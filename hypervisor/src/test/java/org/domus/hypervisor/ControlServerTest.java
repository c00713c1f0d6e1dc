package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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

import org.domus.engine.DomainSpec;
import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.domus.testsupport.Await;
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
            Domain d = new Domain(domains.size() + 1, n, new DomainSpec(n, Arch.ARM64, 64 << 20, 1, Path.of("Image"),
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
    void aNameIsHeldOnceEvenWhenTheSocketFileIsGoneAndOnlyItsHolderReleasesIt() throws Exception {
        // the running system's socket file removed under it: without the name's lock a second boot would bind anew
        java.nio.file.Files.delete(server.socket());
        assertThatThrownBy(() -> ControlServer.bind(name)).isInstanceOf(ControlException.class)
                .hasMessageContaining("a system named '%s' is already running".formatted(name));
        server.close();
        ControlServer again = ControlServer.bind(name);
        assertThat(again.socket()).exists();
        again.close();
    }

    @Test
    void listsTheDomainsWithEveryField() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            List<DomainInfo> list = c.call(new ControlRequest.ListDomains(false)).domains();
            assertThat(list).extracting(DomainInfo::name).containsExactly("alpha", "beta");
            assertThat(list).extracting(DomainInfo::id).containsExactly(1, 2);
            assertThat(list.getFirst().state()).isEqualTo("running");
            assertThat(list.getFirst().memoryKib()).isEqualTo(64 * 1024);
            assertThat(c.call(new ControlRequest.Info("d2")).domain().name()).isEqualTo("beta");
            assertThat(c.call(new ControlRequest.Info("2")).domain().name()).isEqualTo("beta");
            assertThat(ControlCodec.toJson(c.call(new ControlRequest.ListDomains(true)))).doesNotContain("null");
            ControlReply.SystemInfo system = c.call(new ControlRequest.SystemQuery());
            assertThat(system.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(system.domains()).isEqualTo(2);
            assertThat(system.socket()).isEqualTo(server.socket().toString());
        }
        assertThat(Files.getPosixFilePermissions(server.socket())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void errorsAreOneLineAndNameWhatIsWrong() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            assertThatThrownBy(() -> c.call(new ControlRequest.Info("gamma")))
                    .hasMessage("no domain 'gamma' (there are d1 alpha, d2 beta)");
            assertThatThrownBy(() -> c.call(new ControlRequest.Unpause("alpha"))).hasMessage("d1 alpha is running, not paused");
            // the connection goes on after a refusal
            assertThat(c.call(new ControlRequest.Info("alpha")).domain().id()).isEqualTo(1);
        }
        assertThatThrownBy(() -> ControlClient.connect("nobody-" + name)).hasMessageStartingWith("no system 'nobody-" + name + "' is running");
    }

    @Test
    void aPlainDomainRefusesWhatOnlyAXenGuestReadsFromXenstore() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            String why = "d1 alpha is not a Xen guest (no xen,enhanced in its node, so its kernel sees no Xen): it cannot be ";
            assertThatThrownBy(() -> c.call(new ControlRequest.Sysrq("alpha", "h")))
                    .hasMessage(why + "sent a sysrq, which goes through xenstore's control/sysrq");
            assertThatThrownBy(() -> c.call(new ControlRequest.MemSet("alpha", 1 << 20)))
                    .hasMessage(why + "given a memory target, which goes through xenstore's memory/target");
            assertThatThrownBy(() -> c.call(new ControlRequest.VcpuSet("alpha", 1)))
                    .hasMessage(why + "given a vCPU count, which goes through xenstore's cpu/N/availability");
            assertThat(c.call(new ControlRequest.Info("alpha")).domain().state()).isEqualTo("running");
        }
    }

    @Test
    void pausesAndUnpauses() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            assertThat(c.call(new ControlRequest.Pause("alpha")).domain().flags()).isEqualTo("--p---");
            assertThat(handles.getFirst().paused).isTrue();
            assertThat(c.call(new ControlRequest.Unpause("alpha")).domain().state()).isEqualTo("running");
            assertThat(handles.getFirst().paused).isFalse();
            assertThat(c.call(new ControlRequest.Dmesg()).events()).extracting(ControlReply.LogLine::text)
                    .contains("d1 alpha: paused", "d1 alpha: unpaused");
        }
    }

    @Test
    void pinsTheVcpuThreadWithSchedSetaffinity() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            List<VcpuInfo> after = c.call(new ControlRequest.VcpuPin("alpha", 0, "0")).vcpus();
            assertThat(after.getFirst().affinity()).isEqualTo("0");
            assertThat(after.getFirst().thread()).isEqualTo(vcpu.pid());
            assertThat(cpusAllowed(vcpu.pid())).isEqualTo("0");
            assertThat(c.call(new ControlRequest.VcpuPin("alpha", ControlRequest.VcpuPin.ALL, "all")).vcpus().getFirst().affinity())
                    .isEqualTo("all");
            assertThat(cpusAllowed(vcpu.pid())).isEqualTo(CpuSet.format(Hypervisor.hostCpus(), new java.util.BitSet()));
            assertThat(c.call(new ControlRequest.VcpuList("alpha")).vcpus()).extracting(VcpuInfo::affinity).containsExactly("all");
            assertThat(c.call(new ControlRequest.VcpuList()).vcpus()).extracting(VcpuInfo::domain).containsExactly("alpha", "beta");
            assertThatThrownBy(() -> c.call(new ControlRequest.VcpuPin("alpha", 0, "1000")))
                    .hasMessageStartingWith("CPUs 1000: this host has CPUs 0");
            assertThatThrownBy(() -> c.call(new ControlRequest.VcpuPin("alpha", 3, "0"))).hasMessage("d1 alpha has no vCPU 3 (it has vCPU 0)");
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
            assertThat(writer.call(new ControlRequest.Console("alpha", true)).input()).isTrue();
            assertThat(viewer.call(new ControlRequest.Console("d1", true)).input()).isFalse();
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
                        return probe.call(new ControlRequest.Console("alpha", false)) != null;
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
            return c.call(new ControlRequest.Console("alpha", true)).input();
        } catch (ControlException e) {
            return false;
        }
    }

    @Test
    void aConsoleEndsWhenItsDomainDoes() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            c.call(new ControlRequest.Console("beta", true));
            try (ControlClient other = ControlClient.connect(name)) {
                other.call(new ControlRequest.Destroy("beta"));
            }
            String rest = new String(c.consoleOutput().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("(domus) d2 beta: destroyed", "d2 beta has ended (destroyed)");
        }
        try (ControlClient c = ControlClient.connect(name)) {
            assertThatThrownBy(() -> c.call(new ControlRequest.Console("beta", true))).hasMessageContaining("d2 beta has ended (destroyed)");
            assertThatThrownBy(() -> c.call(new ControlRequest.Destroy("beta"))).hasMessage("d2 beta has already ended (destroyed)");
            // the connection is still usable after a refused console
            assertThat(c.call(new ControlRequest.Info("beta")).domain().state()).isEqualTo("destroyed");
        }
    }

    @Test
    void listShowsTheDomainsThatExistAndAllShowsTheStoppedOnesToo() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            assertThat(c.call(new ControlRequest.Destroy("beta")).domain().state()).isEqualTo("destroyed");
            assertThat(c.call(new ControlRequest.ListDomains(false)).domains()).extracting(DomainInfo::name).containsExactly("alpha");
            assertThat(c.call(new ControlRequest.ListDomains(true)).domains()).extracting(DomainInfo::name, DomainInfo::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", "running"), org.assertj.core.groups.Tuple.tuple("beta", "destroyed"));
            // a stopped domain is still there by name
            assertThat(c.call(new ControlRequest.Info("beta")).domain().state()).isEqualTo("destroyed");
        }
    }

    /** The last domain's destroy ends the system while its answer is on the way: closing lets the answer out first. */
    @Test
    void closingWaitsForTheAnswersBeingWritten() throws Exception {
        try (ControlClient c = ControlClient.connect(name)) {
            var shutdown = new ControlRequest.Shutdown("alpha", ControlRequest.DEFAULT_TIMEOUT, true);
            var answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.call(shutdown).domain();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            ToyHandle alpha = handles.getFirst();
            awaitTrue(() -> alpha.powerButtons > 0);
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300); // on purpose: the guest powers off a while after its power button
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

    /**
     * Whatever a client sends that is not a request of the protocol gets one line saying what is wrong, and the
     * connection goes on: the next request on it is answered as usual.
     */
    @Test
    void everyMalformedRequestIsAnsweredWithOneLineAndTheConnectionKept() throws Exception {
        List<byte[]> bad = List.of(
                bytes("garbage"),
                bytes("{\"v\":1,\"op\":"),                                   // truncated
                bytes("{\"v\":1,\"op\":\"list\""),
                new byte[] {'{', '"', 'v', '"', ':', '1', ',', '"', 'o', 'p', '"', ':', '"', (byte) 0xff, '"', '}'}, // not UTF-8
                new byte[] {'{', '"', (byte) 0xc0, (byte) 0x80, '"', ':', '1', '}'},   // overlong NUL
                new byte[] {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ':', '1', '}'}, // an encoded surrogate
                bytes(""),
                bytes("[1,2]"),
                bytes("{\"v\":1,\"op\":\"list\"} {}"),
                bytes("{\"v\":1,\"op\":\"frobnicate\"}"),
                bytes("{\"op\":\"list\"}"),
                bytes("{\"v\":99,\"op\":\"list\"}"),
                bytes("{\"v\":\"1\",\"op\":\"list\"}"),
                bytes("{\"v\":1,\"op\":7}"),
                bytes("{\"v\":1,\"op\":\"info\"}"),
                bytes("{\"v\":1,\"op\":\"info\",\"domain\":1}"),
                bytes("{\"v\":1,\"op\":\"list\",\"all\":\"yes\"}"),
                bytes("{\"v\":1,\"op\":\"list\",\"colour\":true}"),
                bytes("{\"v\":1,\"op\":\"shutdown\",\"domain\":\"alpha\",\"timeout\":-1}"),
                bytes("{\"v\":1,\"op\":\"shutdown\",\"domain\":\"alpha\",\"timeout\":1.5}"),
                bytes("{\"v\":1,\"op\":\"vcpu-pin\",\"domain\":\"alpha\",\"vcpu\":\"first\",\"cpus\":\"0\"}"),
                bytes("{\"v\":1,\"op\":\"console\",\"domain\":{\"name\":\"alpha\"}}"),
                bytes("{\"v\":1,\"v\":1,\"op\":\"list\"}"));
        try (RawClient raw = new RawClient(server.socket())) {
            for (byte[] line : bad) {
                String answer = raw.ask(line);
                assertThat(answer).as(new String(line, StandardCharsets.ISO_8859_1))
                        .startsWith("{\"v\":1,\"ok\":false,\"error\":\"").doesNotContain("\\n");
                // still served, and nothing else was answered to the bad line
                assertThat(raw.ask(bytes("{\"v\":1,\"op\":\"info\",\"domain\":\"alpha\"}"))).startsWith("{\"v\":1,\"ok\":true,");
            }
            assertThat(raw.ask(bytes("{\"v\":99,\"op\":\"list\"}"))).contains("control protocol version 99 is not spoken here (this Domus speaks 1)");
            assertThat(raw.ask(bytes("{\"v\":1,\"op\":\"frobnicate\"}"))).contains("unknown request 'frobnicate'");
            assertThat(raw.ask(bytes("{\"v\":1,\"op\":\"list\",\"colour\":true}"))).contains("request 'list' has no member 'colour'");
            assertThat(raw.ask(bytes("{\"v\":1,\"op\":\"info\",\"domain\":1}")))
                    .contains("request 'info': 'domain' is a whole number, not a string");
            assertThat(raw.ask(new byte[] {'{', (byte) 0xff, '}'})).contains("the request is not UTF-8 (byte 1 is 0xff)");
            // absent members take the request record's defaults
            assertThat(raw.ask(bytes("{\"v\":1,\"op\":\"list\"}"))).contains("\"name\":\"beta\"");
        }
    }

    @Test
    void aTruncatedLastRequestIsAnsweredBeforeTheConnectionEnds() throws Exception {
        try (RawClient raw = new RawClient(server.socket())) {
            raw.out.write(bytes("{\"v\":1,\"op\":\"li")); // and no newline: the client went away mid-request
            raw.out.flush();
            raw.channel.shutdownOutput();
            String rest = new String(raw.in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).startsWith("{\"v\":1,\"ok\":false,\"error\":\"the request is not valid JSON").endsWith("}\n");
            assertThat(rest.lines()).hasSize(1);
        }
    }

    @Test
    void anOverlongLineIsAnsweredThenTheConnectionClosed() throws Exception {
        try (RawClient raw = new RawClient(server.socket())) {
            byte[] huge = new byte[ControlCodec.MAX_LINE + 10];
            java.util.Arrays.fill(huge, (byte) ' ');
            Thread.ofVirtual().start(() -> {
                try {
                    raw.out.write(huge);
                    raw.out.flush();
                } catch (IOException e) {
                    // the server closed while the rest was on its way: expected
                }
            });
            String rest = new String(raw.in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).isEqualTo("{\"v\":1,\"ok\":false,\"error\":\"a control message longer than %d bytes: closing the connection\"}\n"
                    .formatted(ControlCodec.MAX_LINE));
        }
        try (ControlClient c = ControlClient.connect(name)) {
            assertThat(c.call(new ControlRequest.Info("alpha")).domain().name()).isEqualTo("alpha");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A client that writes raw lines and reads raw answers, as a script with socat would. */
    private static final class RawClient implements AutoCloseable {
        final SocketChannel channel;
        final InputStream in;
        final java.io.OutputStream out;

        RawClient(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            in = Channels.newInputStream(channel);
            out = Channels.newOutputStream(channel);
        }

        /** Sends {@code line} and its newline; returns the one answer line, newline dropped. */
        String ask(byte[] line) throws IOException {
            byte[] framed = java.util.Arrays.copyOf(line, line.length + 1);
            framed[line.length] = '\n';
            out.write(framed);
            out.flush();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new AssertionError("connection closed; got " + answer.toString(StandardCharsets.UTF_8));
                }
                answer.write(b);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
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

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(condition, WAIT, "the condition");
    }
}
