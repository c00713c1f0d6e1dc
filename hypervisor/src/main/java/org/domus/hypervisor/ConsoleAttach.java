package org.domus.hypervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingInputStream;

/**
 * {@code domus console}'s side of an attached console, as {@code xl console}: the guest's output (the last lines
 * first) to stdout, keys to the guest, {@code Ctrl-]} detaches. On a terminal the keys are read raw, so Ctrl-C and
 * the rest reach the guest; without one, stdin's bytes are sent as they come, a {@code Ctrl-]} byte or the end of
 * stdin detaches. The domain ending ends it too.
 */
public final class ConsoleAttach {
    /** Ctrl-], the escape of xl console, telnet and virsh console. */
    public static final int DETACH = 0x1d;
    private static final long POLL_MILLIS = 100;

    /** Why the attachment ended. */
    public enum End {
        DETACHED, DOMAIN_ENDED
    }

    private ConsoleAttach() {
    }

    /** Runs until detached or until the domain ends; {@code client} is attached already and is closed here. */
    public static End run(ControlClient client, boolean readOnly, InputStream stdin, PrintStream stdout) throws IOException {
        CountDownLatch done = new CountDownLatch(1);
        End[] end = {End.DETACHED};
        Thread output = Thread.ofPlatform().daemon().name("console-output").start(() -> {
            byte[] buf = new byte[8192];
            try {
                InputStream in = client.consoleOutput();
                int n;
                while ((n = in.read(buf)) > 0) {
                    stdout.write(buf, 0, n);
                    stdout.flush();
                }
                end[0] = End.DOMAIN_ENDED;
            } catch (IOException e) {
                // closed by a detach
            }
            done.countDown();
        });
        Terminal terminal = ConsoleInput.interactive() && stdin == System.in ? openTerminal() : null;
        Attributes original = terminal == null ? null : terminal.getAttributes();
        try {
            if (terminal != null) {
                terminal.setAttributes(ConsoleInput.raw(original));
            }
            Thread.ofPlatform().daemon().name("console-keys").start(() -> {
                try {
                    if (terminal != null) {
                        keysFromTerminal(terminal, client, readOnly, done);
                    } else {
                        keysFromStream(stdin, client, readOnly);
                    }
                } catch (IOException e) {
                    // the connection closed: the domain ended, the output thread says so
                }
                done.countDown();
            });
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (terminal != null) {
                terminal.setAttributes(original);
                terminal.close();
            }
            client.close();
        }
        try {
            output.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return end[0];
    }

    private static Terminal openTerminal() throws IOException {
        // as ConsoleInput: stty through a child process, the JVM's own signal handling left alone
        return TerminalBuilder.builder().name("domus-console").system(true).providers("exec").dumb(false)
                .nativeSignals(false).graphemeCluster(false).build();
    }

    private static void keysFromTerminal(Terminal terminal, ControlClient client, boolean readOnly, CountDownLatch done)
            throws IOException {
        NonBlockingInputStream in = (NonBlockingInputStream) terminal.input();
        byte[] buf = new byte[4096];
        while (done.getCount() > 0) {
            int n = in.readBuffered(buf, 0, buf.length, POLL_MILLIS);
            if (n == NonBlockingInputStream.EOF) {
                return;
            }
            if (n > 0 && !forward(buf, n, client.consoleInput(), readOnly)) {
                return;
            }
        }
    }

    private static void keysFromStream(InputStream stdin, ControlClient client, boolean readOnly) throws IOException {
        byte[] buf = new byte[4096];
        int n;
        while ((n = stdin.read(buf)) > 0) {
            if (!forward(buf, n, client.consoleInput(), readOnly)) {
                return;
            }
        }
    }

    /** Sends the keys before a Ctrl-]; false when there was one (detach). */
    private static boolean forward(byte[] buf, int n, OutputStream guest, boolean readOnly) throws IOException {
        int stop = n;
        for (int i = 0; i < n; i++) {
            if (buf[i] == DETACH) {
                stop = i;
                break;
            }
        }
        if (!readOnly && stop > 0) {
            guest.write(buf, 0, stop);
            guest.flush();
        }
        return stop == n;
    }
}
