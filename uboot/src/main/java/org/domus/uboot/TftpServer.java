package org.domus.uboot;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * A real TFTP server ({@code --tftp-server HOST[:PORT]}, or U-Boot's {@code serverip}): files are read with
 * RFC 1350 in octet mode, asking for the block size (RFC 2348) and the file's size (RFC 2349), as U-Boot does.
 *
 * @param host      name or address of the server, as the user wrote it (IPv6 without brackets)
 * @param port      its UDP port, 69 unless told
 * @param timeout   how long to wait for each answer before sending the last packet again
 * @param tries     how many times a packet is sent before the transfer is given up
 * @param blockSize the block size to ask for; the server may lower it
 */
public record TftpServer(String host, int port, Duration timeout, int tries, int blockSize) implements TftpSource {
    /** The TFTP port (RFC 1350). */
    public static final int DEFAULT_PORT = 69;
    /** tftpd-hpa's own retransmission interval. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** With {@link #DEFAULT_TIMEOUT}: a silent server is reported after 5 seconds. */
    public static final int DEFAULT_TRIES = 5;
    /**
     * U-Boot's default ({@code CONFIG_TFTP_BLOCKSIZE}): the largest block whose packet fits an Ethernet frame
     * unfragmented (1500 bytes less 20 of IP, 8 of UDP, 4 of TFTP).
     */
    public static final int DEFAULT_BLOCK_SIZE = 1468;
    /** The block size limits of RFC 2348. */
    public static final int MIN_BLOCK_SIZE = 8;
    public static final int MAX_BLOCK_SIZE = 65464;

    public TftpServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeout, "timeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("TFTP server host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TFTP server port " + port + " is outside 1..65535");
        }
        if (timeout.isNegative() || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("TFTP timeout " + timeout + " is less than a millisecond");
        }
        if (tries < 1) {
            throw new IllegalArgumentException("TFTP tries " + tries + " is less than 1");
        }
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("TFTP block size " + blockSize + " is outside "
                    + MIN_BLOCK_SIZE + ".." + MAX_BLOCK_SIZE + " (RFC 2348)");
        }
    }

    /** A server with the default timeout, tries and block size. */
    public TftpServer(String host, int port) {
        this(host, port, DEFAULT_TIMEOUT, DEFAULT_TRIES, DEFAULT_BLOCK_SIZE);
    }

    /**
     * Reads {@code HOST}, {@code HOST:PORT}, {@code [IPV6]}, {@code [IPV6]:PORT} or a bare IPv6 address, as given to
     * {@code --tftp-server}; a {@code serverip} value (a bare IPv4 address, U-Boot's form) is the first case.
     *
     * @throws IllegalArgumentException with a one-line message quoting the text and saying what is wrong
     */
    public static TftpServer parse(String text) {
        String spec = text.strip();
        String host;
        String port = null;
        if (spec.startsWith("[")) {
            int close = spec.indexOf(']');
            if (close < 0) {
                throw badAddress(text, "no ']' after the IPv6 address");
            }
            host = spec.substring(1, close);
            String rest = spec.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw badAddress(text, "expected ':PORT' after ']'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = spec.indexOf(':');
            if (colon >= 0 && spec.indexOf(':', colon + 1) < 0) {
                host = spec.substring(0, colon);
                port = spec.substring(colon + 1);
            } else {
                host = spec; // no colon, or several: a bare IPv6 address
            }
        }
        if (host.isEmpty()) {
            throw badAddress(text, "no host");
        }
        return new TftpServer(host, port == null ? DEFAULT_PORT : port(text, port));
    }

    public TftpServer withBlockSize(int blockSize) {
        return new TftpServer(host, port, timeout, tries, blockSize);
    }

    public TftpServer withTimeout(Duration timeout, int tries) {
        return new TftpServer(host, port, timeout, tries, blockSize);
    }

    /** "127.0.0.1:6969", "[::1]:69": the server as messages name it. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public long fetch(String fileName, OutputStream out, TransferProgress progress) throws IOException {
        String where = describe(fileName);
        if (fileName.isEmpty()) {
            throw new IOException(where + ": no file name");
        }
        // RFC 1350 names are netascii; Commons Net also writes one byte per char, so anything else would be mangled.
        if (!fileName.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IOException(where + ": the file name must be printable ASCII for TFTP");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException(where + ": unknown host " + host);
        }
        return new TftpClient(this, where).download(address, fileName, out, progress);
    }

    /** "tftp://127.0.0.1:6969/xen-Image" (RFC 3617's form, the port always shown). */
    @Override
    public String describe(String fileName) {
        return "tftp://" + address() + "/" + fileName;
    }

    private static int port(String text, String port) {
        if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int value = Integer.parseInt(port);
            if (value >= 1 && value <= 65535) {
                return value;
            }
        }
        throw badAddress(text, "port '" + port + "' is not a number from 1 to 65535");
    }

    private static IllegalArgumentException badAddress(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a TFTP server (HOST[:PORT]): " + why);
    }
}
