package org.domus.uboot;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPAckPacket;
import org.apache.commons.net.tftp.TFTPDataPacket;
import org.apache.commons.net.tftp.TFTPErrorPacket;
import org.apache.commons.net.tftp.TFTPPacket;
import org.apache.commons.net.tftp.TFTPPacketException;
import org.apache.commons.net.tftp.TFTPReadRequestPacket;

/**
 * One download from a TFTP server: RFC 1350 in octet mode, asking for the block size (RFC 2348) and transfer size
 * (RFC 2349) options the way U-Boot does. Commons Net's {@link TFTP} owns the socket and its packet classes encode
 * the request (with options, through {@code getOptions()}), decode DATA and ERROR and encode ACK and ERROR.
 * Commons Net's own {@code TFTPClient.receiveFile} is not used: in 3.12.0 it sends no options, treats the OACK that
 * answers them as a bad packet, and takes the first block shorter than 512 bytes for the end of the file. What it
 * lacks is here: the OACK ({@link TftpOptions}), its ACK of block 0, the negotiated block size, block numbers that
 * wrap past 65535, and a check against the announced size. One instance serves one download.
 */
final class TftpClient extends TFTP {
    private final TftpServer server;
    /** The file as messages name it, "tftp://host:port/name": every message starts with it. */
    private final String where;

    private InetAddress address;
    /** The server's port for this transfer (its transfer ID, RFC 1350), or -1 before its first answer. */
    private int tid;
    private int blockSize;
    private long total;
    /** Whether the server has acknowledged the options (sent an OACK) for this request. */
    private boolean negotiated;
    private int expected;
    private long received;
    private TFTPPacket lastSent;
    /** How many times {@link #lastSent} has been sent. */
    private int tries;

    TftpClient(TftpServer server, String where) {
        this.server = server;
        this.where = where;
        setDefaultTimeout(server.timeout());
    }

    /** Copies the file to {@code out}; see {@link TftpSource#fetch}. */
    long download(InetAddress address, String fileName, OutputStream out, TransferProgress progress)
            throws IOException {
        this.address = address;
        try {
            open();
        } catch (SocketException e) {
            throw failure("cannot open a UDP socket: " + e.getMessage());
        }
        try {
            return transfer(fileName, out, progress, true);
        } finally {
            close();
        }
    }

    private long transfer(String fileName, OutputStream out, TransferProgress progress, boolean withOptions)
            throws IOException {
        tid = -1;
        blockSize = TftpOptions.NONE.blockSize();
        total = TftpOptions.NONE.transferSize();
        negotiated = false;
        expected = 1;
        received = 0;
        sendNew(request(fileName, withOptions));

        DatagramSocket socket = checkOpen();
        // One byte more than the largest block allowed, so that a server that sends more is caught, not truncated.
        byte[] buffer = new byte[4 + Math.max(server.blockSize(), TftpOptions.RFC1350_BLOCK_SIZE) + 1];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        while (true) {
            datagram.setLength(buffer.length);
            if (!receive(socket, datagram) || !fromServer(datagram)) {
                continue;
            }
            int opcode = datagram.getLength() < 2 ? -1 : (buffer[0] & 0xff) << 8 | buffer[1] & 0xff;
            switch (opcode) {
                case TftpOptions.OACK -> {
                    if (!withOptions) {
                        throw protocolError("the server acknowledged options that were not requested");
                    }
                    onOptions(buffer, datagram.getLength(), progress);
                }
                case TFTPPacket.DATA -> {
                    if (onData((TFTPDataPacket) decode(datagram), out, progress)) {
                        return received;
                    }
                }
                case TFTPPacket.ERROR -> {
                    TFTPErrorPacket error = (TFTPErrorPacket) decode(datagram);
                    if (error.getError() == TFTPErrorPacket.INVALID_OPTIONS_VALUE && withOptions && !negotiated) {
                        // RFC 2347: a server that refuses the options may be asked again without them.
                        return transfer(fileName, out, progress, false);
                    }
                    throw serverError(error);
                }
                default -> throw protocolError("the server sent a packet of unknown type " + opcode);
            }
        }
    }

    private TFTPReadRequestPacket request(String fileName, boolean withOptions) {
        TFTPReadRequestPacket request = new TFTPReadRequestPacket(address, server.port(), fileName, OCTET_MODE);
        if (withOptions) {
            request.getOptions().put("blksize", Integer.toString(server.blockSize()));
            request.getOptions().put("tsize", "0"); // RFC 2349: 0 in a read request asks the server for the size
        }
        return request;
    }

    /** Waits for the next datagram; on a timeout sends the last packet again, or gives up after the last try. */
    private boolean receive(DatagramSocket socket, DatagramPacket datagram) throws IOException {
        try {
            socket.receive(datagram);
            return true;
        } catch (SocketTimeoutException e) {
            if (tries >= server.tries()) {
                throw timedOut();
            }
            tries++;
            sendPacket(lastSent);
            return false;
        }
    }

    /** Whether the datagram belongs to this transfer; the first answer fixes the server's transfer ID. */
    private boolean fromServer(DatagramPacket datagram) throws IOException {
        if (!datagram.getAddress().equals(address)) {
            return false; // not the server at all
        }
        if (tid < 0) {
            tid = datagram.getPort();
            return true;
        }
        if (datagram.getPort() == tid) {
            return true;
        }
        // Another port of the server, such as a second tftpd child answering a repeated request: RFC 1350 says
        // tell it "unknown transfer ID" (which ends it) and carry on.
        sendPacket(new TFTPErrorPacket(address, datagram.getPort(), TFTPErrorPacket.UNKNOWN_TID,
                "Unknown transfer ID"));
        return false;
    }

    private void onOptions(byte[] packet, int length, TransferProgress progress) throws IOException {
        if (received > 0 || expected != 1) {
            return; // a late copy: the transfer is already past it
        }
        if (negotiated) {
            sendPacket(lastSent); // the server did not get our ACK of block 0 and sent its OACK again
            return;
        }
        TftpOptions options;
        try {
            options = TftpOptions.fromOack(packet, length, server.blockSize());
        } catch (IllegalArgumentException e) {
            abort(TFTPErrorPacket.INVALID_OPTIONS_VALUE, "Bad option acknowledgement");
            throw failure(e.getMessage());
        }
        negotiated = true;
        blockSize = options.blockSize();
        total = options.transferSize();
        progress.transferred(0, total);
        sendNew(new TFTPAckPacket(address, tid, 0)); // RFC 2347: an OACK is acknowledged as block 0
    }

    /** Takes one DATA packet; true when it was the last block of the file. */
    private boolean onData(TFTPDataPacket data, OutputStream out, TransferProgress progress) throws IOException {
        int block = data.getBlockNumber();
        boolean next = block == expected || expected == 0 && block == 1; // some servers wrap to 1, not 0
        if (!next) {
            if (block == ((expected - 1) & 0xffff) && lastSent instanceof TFTPAckPacket) {
                sendPacket(lastSent); // our ACK was lost and the server sent the block again
            }
            return false;
        }
        int length = data.getDataLength();
        if (length > blockSize) {
            throw protocolError("the server sent a block of " + length + " bytes, larger than the block size "
                    + blockSize + (negotiated ? " it agreed to" : " of RFC 1350 (it did not acknowledge blksize)"));
        }
        try {
            out.write(data.getData(), data.getDataOffset(), length);
        } catch (IOException e) {
            abort(TFTPErrorPacket.UNDEFINED, "Transfer stopped by the client");
            throw e; // the caller's own error, with its own message
        }
        received += length;
        progress.transferred(received, total);
        sendNew(new TFTPAckPacket(address, tid, block));
        if (length < blockSize) {
            if (total >= 0 && received != total) {
                throw failure("the server announced " + total + " bytes (tsize) but sent " + received);
            }
            return true;
        }
        expected = (block + 1) & 0xffff; // tftpd-hpa goes on from 65535 to 0 (its default rollover)
        return false;
    }

    private TFTPPacket decode(DatagramPacket datagram) throws IOException {
        try {
            return TFTPPacket.newTFTPPacket(datagram);
        } catch (TFTPPacketException e) {
            throw protocolError("the server sent a malformed packet: " + e.getMessage());
        }
    }

    private void sendNew(TFTPPacket packet) throws IOException {
        lastSent = packet;
        tries = 1;
        sendPacket(packet);
    }

    private void sendPacket(TFTPPacket packet) throws IOException {
        try {
            send(packet);
        } catch (IOException e) {
            throw failure("cannot reach " + server.address() + ": " + e.getMessage());
        }
    }

    /** Tells the server the transfer is over, so that it stops now rather than after its own timeouts. */
    private void abort(int code, String message) {
        if (tid < 0) {
            return;
        }
        try {
            send(new TFTPErrorPacket(address, tid, code, message));
        } catch (IOException e) {
            // a courtesy only: the server gives up on its own
        }
    }

    private IOException protocolError(String what) {
        abort(TFTPErrorPacket.ILLEGAL_OPERATION, "Illegal TFTP operation");
        return failure(what);
    }

    private IOException serverError(TFTPErrorPacket error) {
        String meaning = switch (error.getError()) {
            case TFTPErrorPacket.FILE_NOT_FOUND -> "file not found";
            case TFTPErrorPacket.ACCESS_VIOLATION -> "access violation";
            case TFTPErrorPacket.OUT_OF_SPACE -> "disk full or allocation exceeded";
            case TFTPErrorPacket.ILLEGAL_OPERATION -> "illegal TFTP operation";
            case TFTPErrorPacket.UNKNOWN_TID -> "unknown transfer ID";
            case TFTPErrorPacket.FILE_EXISTS -> "file already exists";
            case TFTPErrorPacket.NO_SUCH_USER -> "no such user";
            case TFTPErrorPacket.INVALID_OPTIONS_VALUE -> "option negotiation refused";
            default -> "refused";
        };
        return failure(meaning + " (TFTP error " + error.getError() + " from the server: "
                + TftpOptions.printable(error.getMessage()) + ")");
    }

    private IOException timedOut() {
        String patience = server.tries() == 1 ? "waiting " + seconds()
                : server.tries() + " tries " + seconds() + " apart";
        if (tid < 0) {
            return failure("no answer from " + server.address() + " after " + patience
                    + " (is a TFTP server listening there?)");
        }
        return failure("the server stopped answering after " + received + " bytes (" + patience + ")");
    }

    private String seconds() {
        long millis = server.timeout().toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private IOException failure(String what) {
        return new IOException(where + ": " + what);
    }
}
