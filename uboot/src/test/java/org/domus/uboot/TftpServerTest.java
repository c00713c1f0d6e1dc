package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link TftpServer} without a server: addresses, names, option acknowledgements, silence. */
class TftpServerTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            192.168.0.1          | 192.168.0.1  | 69
            10.0.2.2:6969        | 10.0.2.2     | 6969
            ' 10.0.2.2 '         | 10.0.2.2     | 69
            tftp.example.org:1069| tftp.example.org | 1069
            [::1]:6969           | ::1          | 6969
            [fe80::1]            | fe80::1      | 69
            ::1                  | ::1          | 69
            2001:db8::5          | 2001:db8::5  | 69
            """)
    void parsesHostAndPortAndUBootsServeripForm(String text, String host, int port) {
        TftpServer server = TftpServer.parse(text);
        assertThat(server.host()).isEqualTo(host);
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.blockSize()).isEqualTo(1468);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""           | "'' is not a TFTP server (HOST[:PORT]): no host"
            :69          | "':69' is not a TFTP server (HOST[:PORT]): no host"
            host:        | "'host:' is not a TFTP server (HOST[:PORT]): port '' is not a number from 1 to 65535"
            host:tftp    | "'host:tftp' is not a TFTP server (HOST[:PORT]): port 'tftp' is not a number from 1 to 65535"
            host:0       | "'host:0' is not a TFTP server (HOST[:PORT]): port '0' is not a number from 1 to 65535"
            host:65536   | "'host:65536' is not a TFTP server (HOST[:PORT]): port '65536' is not a number from 1 to 65535"
            [::1         | "'[::1' is not a TFTP server (HOST[:PORT]): no ']' after the IPv6 address"
            [::1]69      | "'[::1]69' is not a TFTP server (HOST[:PORT]): expected ':PORT' after ']'"
            """)
    void refusesABadAddressInOneLine(String text, String message) {
        assertThatThrownBy(() -> TftpServer.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void describesFilesAsTftpUrls() {
        assertThat(TftpServer.parse("127.0.0.1:6969").describe("xen-Image"))
                .isEqualTo("tftp://127.0.0.1:6969/xen-Image");
        assertThat(TftpServer.parse("[::1]").describe("boot/xen.dtb")).isEqualTo("tftp://[::1]:69/boot/xen.dtb");
    }

    @Test
    void blockSizeStaysWithinRfc2348() {
        TftpServer server = TftpServer.parse("127.0.0.1");
        assertThat(server.withBlockSize(8).blockSize()).isEqualTo(8);
        assertThat(server.withBlockSize(65464).blockSize()).isEqualTo(65464);
        assertThatThrownBy(() -> server.withBlockSize(7))
                .hasMessage("TFTP block size 7 is outside 8..65464 (RFC 2348)");
        assertThatThrownBy(() -> server.withBlockSize(65465))
                .hasMessage("TFTP block size 65465 is outside 8..65464 (RFC 2348)");
    }

    @Test
    @Timeout(10)
    void aServerThatIsNotListeningTimesOutInBoundedTime() throws IOException {
        int port = TftpdHpa.freeUdpPort(); // bound, then closed: nothing listens there
        TftpServer server = new TftpServer("127.0.0.1", port).withTimeout(Duration.ofMillis(200), 3);
        long start = System.nanoTime();

        assertThatThrownBy(() -> server.fetch("xen-Image", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .isInstanceOf(IOException.class)
                .hasMessage("tftp://127.0.0.1:" + port + "/xen-Image: no answer from 127.0.0.1:" + port
                        + " after 3 tries 200 ms apart (is a TFTP server listening there?)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(550), Duration.ofSeconds(3));
    }

    @Test
    void anUnknownHostIsNamed() {
        TftpServer server = TftpServer.parse("no-such-host.invalid:6969");
        assertThatThrownBy(() -> server.fetch("xen-Image", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage("tftp://no-such-host.invalid:6969/xen-Image: unknown host no-such-host.invalid");
    }

    @Test
    void fileNamesMustBeAscii() {
        TftpServer server = TftpServer.parse("127.0.0.1");
        assertThatThrownBy(() -> server.fetch("x\u00e9n", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage("tftp://127.0.0.1:69/x\u00e9n: the file name must be printable ASCII for TFTP");
        assertThatThrownBy(() -> server.fetch("", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage("tftp://127.0.0.1:69/: no file name");
    }

    @Test
    void readsAnOptionAcknowledgement() {
        assertThat(oack(1468, "blksize", "1468", "tsize", "27262976")).isEqualTo(new TftpOptions(1468, 27262976));
        assertThat(oack(1468, "BLKSIZE", "1024")).isEqualTo(new TftpOptions(1024, -1));
        assertThat(oack(1468, "tsize", "0")).isEqualTo(new TftpOptions(512, 0));
    }

    @Test
    void refusesAnOptionAcknowledgementThatBreaksTheRfcs() {
        assertThatThrownBy(() -> oack(1468, "blksize", "1500"))
                .hasMessage("the server chose blksize 1500, outside 8..1468 (RFC 2348)");
        assertThatThrownBy(() -> oack(1468, "windowsize", "4"))
                .hasMessage("the server acknowledged option 'windowsize', which was not requested");
        assertThatThrownBy(() -> oack(1468, "tsize", "12x"))
                .hasMessage("the server's tsize value '12x' is not a number");
        assertThatThrownBy(() -> oack(1468, "tsize"))
                .hasMessage("malformed option acknowledgement from the server");
    }

    private static TftpOptions oack(int requested, String... fields) {
        StringBuilder packet = new StringBuilder("\0\6");
        for (String field : fields) {
            packet.append(field).append('\0');
        }
        byte[] bytes = packet.toString().getBytes(StandardCharsets.US_ASCII);
        return TftpOptions.fromOack(bytes, bytes.length, requested);
    }
}
