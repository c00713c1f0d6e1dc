package org.domus.hypervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.jline.terminal.Attributes;
import org.jline.terminal.impl.LineDisciplineTerminal;

/** JLine's software tty: keys go in through its line discipline, as a keyboard's through the kernel's. */
final class KeyboardTerminal extends LineDisciplineTerminal {
    volatile Attributes lastSet;

    private KeyboardTerminal() throws IOException {
        super("test", "xterm", OutputStream.nullOutputStream(), StandardCharsets.UTF_8);
    }

    static KeyboardTerminal create() {
        try {
            return new KeyboardTerminal();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void setAttributes(Attributes attr) {
        lastSet = new Attributes(attr);
        super.setAttributes(attr);
    }

    /** The keyboard is gone: reading the terminal reaches its end. */
    void hangUp() throws IOException {
        slaveInputPipe.close();
    }
}
