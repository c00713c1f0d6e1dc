package org.domus.uboot;

/**
 * Told how far a file transfer has come, so that the command line can draw a progress line. A source calls it
 * from the thread that called {@link TftpSource#fetch}, often (after every TFTP block): a display should throttle.
 */
@FunctionalInterface
public interface TransferProgress {
    /** For callers that do not show progress. */
    TransferProgress NONE = (bytes, total) -> {
    };

    /**
     * @param bytes how many bytes of the file have been copied so far
     * @param total the file's size when the source knows it (a local file, or a TFTP server that answered the
     *              transfer size option), otherwise -1
     */
    void transferred(long bytes, long total);
}
