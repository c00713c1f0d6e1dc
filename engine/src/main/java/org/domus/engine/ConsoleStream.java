package org.domus.engine;

import java.io.InputStream;
import java.io.OutputStream;

/** A domain's console (its vpl011 / UART): what the guest prints, and where its input goes. */
public interface ConsoleStream {
    /** Bytes the guest writes; ends when the domain is gone. */
    InputStream output();

    /** Bytes typed to the guest. */
    OutputStream input();
}
