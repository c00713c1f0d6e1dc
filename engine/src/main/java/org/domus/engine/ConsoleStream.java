package org.domus.engine;

import java.io.InputStream;
import java.io.OutputStream;

/** A domain's console (its vpl011 / UART): what the guest prints, and where its input goes. */
public interface ConsoleStream {
    /** Bytes the guest writes; ends when the domain is gone. */
    InputStream output();

    /** Bytes typed to the guest. */
    OutputStream input();

    /**
     * Output bytes thrown away because the reader of {@link #output()} fell behind. An engine buffers a bounded
     * amount per domain so that one flooding guest cannot block or exhaust the others; 0 for engines that never drop.
     */
    default long droppedBytes() {
        return 0;
    }
}
