package org.domus.uboot;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where {@code tftpb}/{@code tftpboot} gets its files from: a local folder standing in for the TFTP server's root
 * ({@link TftpRoot}, {@code --tftp-root}), or a real TFTP server ({@link TftpServer}, {@code --tftp-server} or the
 * {@code serverip} variable).
 */
public sealed interface TftpSource permits TftpRoot, TftpServer {
    /**
     * Copies the whole file to {@code out} and returns its size.
     *
     * @throws IOException with a one-line message that starts with {@link #describe describe(fileName)} and says
     *                     what went wrong ("tftp-root/xen-Image: file not found"), fit to show a user as it is;
     *                     an exception thrown by {@code out} itself passes through unchanged
     */
    long fetch(String fileName, OutputStream out, TransferProgress progress) throws IOException;

    /** How messages name a file of this source: "tftp-root/xen-Image", "tftp://127.0.0.1:6969/xen-Image". */
    String describe(String fileName);
}
