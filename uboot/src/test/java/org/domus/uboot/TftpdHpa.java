package org.domus.uboot;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.domus.testsupport.E2E;

/**
 * Debian's real TFTP server, {@code in.tftpd} from tftpd-hpa, started by a test on a free loopback port with
 * {@code --secure} (chrooted into the test's folder, as {@code tftpd-hpa} is usually run) and stopped after it.
 * <p>
 * It must be started as root: for every request the listening process forks a child that calls
 * {@code initgroups()} and {@code chroot()} before it answers, and as any other user that child dies without a
 * word (the client only sees a timeout). {@code --user} is the current user, so that the child reads the test's
 * files as their owner. Where the binary is missing or this is not root, the test is skipped with the reason; with
 * {@code DOMUS_REQUIRE_E2E=1} (CI) it fails instead.
 */
final class TftpdHpa implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/in.tftpd");
    private static final long READY_MILLIS = 5_000;

    private final Process process;
    private final int port;

    private TftpdHpa(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Serves {@code root} on 127.0.0.1 with tftpd's options {@code extra} added ({@code --refuse blksize}). */
    static TftpdHpa start(Path root, String... extra) throws IOException, InterruptedException {
        missing().ifPresent(E2E::unavailable);
        List<String> failures = new ArrayList<>();
        // A port found free can be taken by someone else before tftpd binds it: then try another.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freeUdpPort();
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--foreground",
                    "--address", "127.0.0.1:" + port, "--secure", "--user", System.getProperty("user.name")));
            command.addAll(List.of(extra));
            command.add(root.toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (answers(process, port)) {
                return new TftpdHpa(process, port);
            }
            stop(process);
            failures.add(process.isAlive() ? "no answer on port " + port
                    : "exited with status " + process.exitValue() + " on port " + port);
        }
        return fail("in.tftpd did not start (it logs to syslog only): " + String.join("; ", failures));
    }

    /** Why tftpd-hpa cannot run here, if it cannot. */
    static Optional<String> missing() throws IOException {
        if (!Files.isExecutable(BINARY)) {
            return Optional.of(BINARY + " is missing (Debian package tftpd-hpa, which ./run-tests installs)");
        }
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            return Optional.of("in.tftpd must be started as root (each request's child calls initgroups() and "
                    + "chroot() before answering) and this test runs as uid " + uid);
        }
        return Optional.empty();
    }

    int port() {
        return port;
    }

    /** A client of this server: short timeouts, since loopback answers in microseconds. */
    TftpServer server() {
        return new TftpServer("127.0.0.1", port).withTimeout(java.time.Duration.ofMillis(500), 4);
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Whether the server answers a request (for a file that is not there) before the deadline. */
    private static boolean answers(Process process, int port) throws IOException {
        byte[] request = "\0\1domus-probe-no-such-file\0octet\0".getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(100);
            while (process.isAlive() && System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
                try {
                    socket.receive(new DatagramPacket(new byte[600], 600));
                    return true;
                } catch (SocketTimeoutException e) {
                    // not listening yet
                }
            }
        }
        return false;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: tftpd's listener exits at once; children of finished requests are gone already
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
