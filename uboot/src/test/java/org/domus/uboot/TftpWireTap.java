package org.domus.uboot;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A UDP relay on loopback between the client under test and a real TFTP server that keeps a copy of every
 * datagram, so that a test sees what went over the wire (without tcpdump). The client sends its request to
 * {@link #port()}; the tap forwards it to the server, then relays the transfer both ways from a port of its own,
 * which the client takes for the server's transfer port. One transfer per tap.
 */
final class TftpWireTap implements AutoCloseable {
    /** One datagram as it crossed the tap. */
    record Datagram(boolean fromClient, byte[] bytes) {
        int opcode() {
            return (bytes[0] & 0xff) << 8 | bytes[1] & 0xff;
        }

        /** The NUL-terminated strings after the opcode: a request's file name, mode and options; an OACK's options. */
        List<String> strings() {
            List<String> strings = new ArrayList<>();
            int start = 2;
            for (int i = start; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    strings.add(new String(bytes, start, i - start, StandardCharsets.US_ASCII));
                    start = i + 1;
                }
            }
            return strings;
        }
    }

    private interface Forward {
        void datagram(byte[] bytes, SocketAddress from) throws IOException;
    }

    private final InetSocketAddress server;
    /** Where the client sends its request: the server's well-known port, as the client sees it. */
    private final DatagramSocket front;
    /** The server's transfer port as the client sees it. */
    private final DatagramSocket session;
    /** The tap's side towards the server, for the request and the transfer. */
    private final DatagramSocket back;
    private final List<Datagram> datagrams = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private volatile SocketAddress client;
    private volatile SocketAddress serverSession;

    TftpWireTap(int serverPort) throws SocketException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = new InetSocketAddress(loopback, serverPort);
        front = new DatagramSocket(0, loopback);
        session = new DatagramSocket(0, loopback);
        back = new DatagramSocket(0, loopback);
        pump(front, (bytes, from) -> {
            client = from;
            keep(true, bytes);
            back.send(new DatagramPacket(bytes, bytes.length, server));
        });
        pump(session, (bytes, from) -> {
            keep(true, bytes);
            back.send(new DatagramPacket(bytes, bytes.length, serverSession));
        });
        pump(back, (bytes, from) -> {
            serverSession = from;
            keep(false, bytes);
            session.send(new DatagramPacket(bytes, bytes.length, client));
        });
    }

    int port() {
        return front.getLocalPort();
    }

    List<Datagram> datagrams() {
        synchronized (datagrams) {
            return List.copyOf(datagrams);
        }
    }

    @Override
    public void close() throws InterruptedException {
        front.close();
        session.close();
        back.close();
        for (Thread pump : pumps) {
            pump.join();
        }
    }

    private void keep(boolean fromClient, byte[] bytes) {
        synchronized (datagrams) {
            datagrams.add(new Datagram(fromClient, bytes));
        }
    }

    private void pump(DatagramSocket socket, Forward forward) {
        pumps.add(Thread.ofPlatform().daemon().name("tftp-tap-" + socket.getLocalPort()).start(() -> {
            DatagramPacket datagram = new DatagramPacket(new byte[65536], 65536);
            while (!socket.isClosed()) {
                try {
                    datagram.setLength(65536);
                    socket.receive(datagram);
                    forward.datagram(Arrays.copyOf(datagram.getData(), datagram.getLength()),
                            datagram.getSocketAddress());
                } catch (IOException e) {
                    // closed by close(), or a send that failed: the test sees the transfer fail
                }
            }
        }));
    }
}
