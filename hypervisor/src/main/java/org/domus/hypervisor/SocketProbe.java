package org.domus.hypervisor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Whether a Domus listens on a control socket: a client asks before it connects, a server before it takes the name
 * over (a socket file nobody answers on is what a killed Domus leaves).
 */
final class SocketProbe {
    private SocketProbe() {
    }

    static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
